"""Screens of the after-the-fact control (docs/controle.md).

SIAE: its controlled items only (current company). DDETS IAE: the campaigns of its
department only (current institution). Staff: creation and phases of campaigns.
Every object is loaded through a queryset limited to the current organization: another
organization's object is a 404.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from itou.control import services, workflow
from itou.control.draw import hire_sample_size, siae_sample_size
from itou.control.enums import (
    SANCTIONABLE_HIRE_STATES,
    CampaignPhase,
    CriterionState,
    HireState,
    SanctionKind,
    SiaeState,
)
from itou.control.models import Campaign, ControlledCriterion, ControlledHire, ControlledSiae, ControlLog
from itou.control.queries import criteria_visible_to, visible_campaigns, with_states, with_states_only
from itou.control.tasks import draw_period_task
from itou.eligibility.models import AdministrativeCriteria
from itou.institutions.enums import InstitutionKind
from itou.organizations.current import Role, get_current_company_or_404
from itou.utils.private_files import serve_private_file
from itou.utils.state_machine import TransitionNotAllowed
from itou.www.control.forms import CampaignCreateForm, ProofForm, RatioForm, SanctionForm


def _errors(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


def _ddets_or_404(request):
    current = request.current_organization
    if not current or current.role != Role.LABOR_INSPECTOR or current.organization.kind != InstitutionKind.DDETS_IAE:
        raise Http404
    return current.organization


def _with_diagnosis(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "hires",
            queryset=ControlledHire.objects.select_related(
                "job_application__job_seeker", "job_application__eligibility_diagnosis"
            ).prefetch_related(
                Prefetch("criteria", queryset=ControlledCriterion.objects.select_related("administrative_criteria")),
                "job_application__eligibility_diagnosis__administrative_criteria",
            ),
        )
    )


def _decorate(siae, *, for_siae: bool):
    """Attach the computed states (and what the SIAE may see of them) to the rows."""
    siae.state = workflow.siae_state(siae)
    siae.state_label = SiaeState(siae.state).label
    hide_results = for_siae and siae.campaign.phase in (CampaignPhase.AMICABLE, CampaignPhase.AMICABLE_FROZEN)
    for hire in siae.hires.all():
        hire.state = workflow.hire_state(hire)
        hire.state_label = HireState(hire.state).label
        hire.selected_ids = {c.administrative_criteria_id for c in hire.criteria.all()}
        hire.can_select = workflow.HIRE.can("select_criteria", hire)
        for criterion in hire.criteria.all():
            criterion.hire = hire
            hire.controlled_siae = siae
            criterion.can_upload = workflow.CRITERION.can("upload", criterion)
            shown = criterion.review_state
            if hide_results and criterion.submitted_at:
                shown = CriterionState.PENDING
            criterion.shown_state = CriterionState(shown).label
            criterion.shown_comment = "" if hide_results else criterion.review_comment
    return siae


# --------------------------------------------------------------------------------------
# SIAE
# --------------------------------------------------------------------------------------


@login_required
def siae_list(request):
    company = get_current_company_or_404(request)
    siaes = with_states(ControlledSiae.objects.filter(company=company, campaign__in=visible_campaigns())).order_by(
        "-campaign__period_end"
    )
    siaes = [_decorate(s, for_siae=True) for s in siaes]
    return render(
        request,
        "control/siae_list.html",
        {
            "siaes": [s for s in siaes if not s.campaign.is_archived],
            "archived": [s for s in siaes if s.campaign.is_archived],
            "company": company,
        },
    )


def _company_siae_or_404(request, pk, *, lock=False):
    company = get_current_company_or_404(request)
    return get_object_or_404(
        _with_diagnosis(ControlledSiae.objects.select_related("campaign__institution", "company")),
        pk=pk,
        company=company,
    )


@login_required
def siae_detail(request, pk):
    siae = _decorate(_company_siae_or_404(request, pk), for_siae=True)
    context = {
        "siae": siae,
        "campaign": siae.campaign,
        "can_submit": workflow.SIAE.can("submit", siae),
        "submit_blocker": workflow.SIAE.blocker("submit", siae),
        "proof_form": ProofForm(),
        "sanction": getattr(siae, "sanction", None) if siae.notified_at else None,
    }
    if context["sanction"]:
        context["sanction_labels"] = [SanctionKind(kind).label for kind in context["sanction"].kinds]
    return render(request, "control/siae_detail.html", context)


@login_required
@require_POST
def select_criteria(request, pk):
    company = get_current_company_or_404(request)
    hire = get_object_or_404(
        ControlledHire.objects.select_related("job_application__eligibility_diagnosis"),
        pk=pk,
        controlled_siae__company=company,
    )
    ids = [value for value in request.POST.getlist("criteria") if value.isdigit()]
    try:
        services.select_criteria(hire, AdministrativeCriteria.objects.filter(pk__in=ids), user=request.user)
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, "Critères enregistrés : déposez maintenant un justificatif pour chacun.")
    return redirect(reverse("control:siae_detail", args=[hire.controlled_siae_id]) + f"#embauche-{hire.pk}")


@login_required
@require_POST
def upload(request, pk):
    company = get_current_company_or_404(request)
    siae_id = (
        ControlledCriterion.objects.filter(pk=pk, hire__controlled_siae__company=company)
        .values_list("hire__controlled_siae_id", flat=True)
        .first()
    )
    if siae_id is None:
        raise Http404
    form = ProofForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            services.upload_proof(pk, form.cleaned_data["proof"], company=company, user=request.user)
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request, "Justificatif déposé. Pensez à transmettre vos justificatifs une fois tous déposés."
            )
    return redirect(reverse("control:siae_detail", args=[siae_id]) + f"#critere-{pk}")


@login_required
@require_POST
def submit(request, pk):
    siae = _company_siae_or_404(request, pk)
    try:
        services.submit(siae, user=request.user)
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Justificatifs transmis !")
    return redirect("control:siae_detail", pk=siae.pk)


@login_required
def proof(request, pk):
    """The proof, only for the SIAE's members and the DDETS running the campaign (private storage)."""
    criterion = get_object_or_404(criteria_visible_to(request), pk=pk)
    if not criterion.proof:
        raise Http404
    return serve_private_file(request, criterion.proof, filename=f"justificatif-{criterion.pk}.pdf")


# --------------------------------------------------------------------------------------
# DDETS
# --------------------------------------------------------------------------------------


@login_required
def ddets_index(request):
    institution = _ddets_or_404(request)
    campaigns = visible_campaigns(Campaign.objects.filter(institution=institution)).order_by("-period_end")
    current = [c for c in campaigns if not c.is_archived]
    archived = [c for c in campaigns if c.is_archived]
    return render(
        request,
        "control/ddets_index.html",
        {"campaigns": current, "archived": archived, "institution": institution},
    )


def _campaign_figures(siaes):
    states = [s.state for s in siaes]
    return {
        "selected": len(siaes),
        "submitted": sum(1 for s in siaes if s.submitted_at),
        "accepted": states.count(SiaeState.ACCEPTED),
        "refused": states.count(SiaeState.REFUSED),
        "adversarial": states.count(SiaeState.ADVERSARIAL_STAGE),
        "sanctions": sum(1 for s in siaes if s.notified_at),
    }


@login_required
def ddets_campaign(request, pk):
    institution = _ddets_or_404(request)
    campaign = get_object_or_404(
        visible_campaigns(Campaign.objects.select_related("institution")), pk=pk, institution=institution
    )
    form = RatioForm(initial={"ratio": campaign.ratio or RatioForm.base_fields["ratio"].initial})
    if request.method == "POST":
        form = RatioForm(request.POST)
        if form.is_valid():
            try:
                services.set_ratio(campaign, form.cleaned_data["ratio"], user=request.user)
            except TransitionNotAllowed:
                messages.error(request, "Le tirage est fait : le pourcentage de sélection ne peut plus changer.")
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(
                    request,
                    "Le pourcentage de sélection pour le contrôle a posteriori a bien été enregistré "
                    f"({form.cleaned_data['ratio']}%).",
                )
                return redirect("control:ddets_campaign", pk=campaign.pk)
    siaes = list(with_states_only(ControlledSiae.objects.filter(campaign=campaign)).order_by("company__name", "pk"))
    for siae in siaes:
        siae.campaign = campaign
        siae.state = workflow.siae_state(siae)
        siae.state_label = SiaeState(siae.state).label
    draw_log = ControlLog.objects.filter(campaign=campaign, object_kind="campaign", transition="draw").first()
    context = {
        "campaign": campaign,
        "form": form,
        "siaes": siaes,
        "figures": _campaign_figures(siaes),
        "draw_log": draw_log,
        "example_siaes": siae_sample_size(campaign.eligible_siae_count or 10, campaign.ratio or 30),
        "example_hires": hire_sample_size(30),
    }
    return render(request, "control/ddets_campaign.html", context)


@login_required
def ddets_export(request, pk):
    institution = _ddets_or_404(request)
    campaign = get_object_or_404(Campaign, pk=pk, institution=institution)
    siaes = with_states_only(ControlledSiae.objects.filter(campaign=campaign)).order_by("company__name", "pk")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="controle-{campaign.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        ["SIRET", "Type", "Structure", "Embauches contrôlées", "Transmis le", "État", "Décision notifiée le"]
    )
    for siae in siaes:
        siae.campaign = campaign
        writer.writerow(
            [
                siae.company.siret,
                siae.company.kind,
                siae.company.display_name,
                siae.hire_count,
                siae.submitted_at.date().isoformat() if siae.submitted_at else "",
                SiaeState(workflow.siae_state(siae)).label,
                siae.notified_at.date().isoformat() if siae.notified_at else "",
            ]
        )
    return response


def _ddets_siae_or_404(request, pk):
    institution = _ddets_or_404(request)
    siae = get_object_or_404(
        _with_diagnosis(ControlledSiae.objects.select_related("campaign__institution", "company")),
        pk=pk,
        campaign__institution=institution,
    )
    return institution, siae


@login_required
def ddets_siae(request, pk):
    _institution, siae = _ddets_siae_or_404(request, pk)
    _decorate(siae, for_siae=False)
    for hire in siae.hires.all():
        for criterion in hire.criteria.all():
            criterion.can_accept = workflow.CRITERION.can("accept", criterion)
            criterion.can_refuse = workflow.CRITERION.can("refuse_again" if siae.reviewed_at else "refuse", criterion)
            criterion.can_reset = workflow.CRITERION.can("reset", criterion)
    context = {
        "siae": siae,
        "campaign": siae.campaign,
        "validate_blocker": (
            workflow.SIAE.blocker("validate_final_review", siae)
            if siae.state == SiaeState.ADVERSARIAL_STAGE
            else workflow.SIAE.blocker("validate_review", siae)
        ),
        "can_sanction": workflow.SIAE.can("notify_sanction", siae),
    }
    return render(request, "control/ddets_siae.html", context)


@login_required
@require_POST
def ddets_review(request, pk):
    institution = _ddets_or_404(request)
    siae_id = (
        ControlledCriterion.objects.filter(pk=pk, hire__controlled_siae__campaign__institution=institution)
        .values_list("hire__controlled_siae_id", flat=True)
        .first()
    )
    if siae_id is None:
        raise Http404
    action = request.POST.get("action")
    if action not in ("accept", "refuse", "reset"):
        messages.error(request, "Choisissez de valider ou de refuser ce justificatif.")
    else:
        try:
            services.review_criterion(
                pk,
                action,
                institution=institution,
                user=request.user,
                expected_state=request.POST.get("expected_state", ""),
                comment=request.POST.get("comment", ""),
            )
        except services.ReviewConflict as error:
            messages.warning(request, error.message)
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                {"accept": "Justificatif validé.", "reset": "Justificatif remis en attente."}.get(
                    action, "Problème constaté enregistré."
                ),
            )
    return redirect(reverse("control:ddets_siae", args=[siae_id]) + f"#critere-{pk}")


@login_required
@require_POST
def ddets_comment(request, pk):
    institution = _ddets_or_404(request)
    hire = get_object_or_404(ControlledHire, pk=pk, controlled_siae__campaign__institution=institution)
    services.comment_hire(hire.pk, request.POST.get("comment", ""), institution=institution, user=request.user)
    messages.success(request, "Commentaire enregistré.")
    return redirect(reverse("control:ddets_siae", args=[hire.controlled_siae_id]) + f"#embauche-{hire.pk}")


@login_required
@require_POST
def ddets_validate(request, pk):
    institution, siae = _ddets_siae_or_404(request, pk)
    try:
        services.validate_review(siae.pk, institution=institution, user=request.user)
    except TransitionNotAllowed as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Résultats enregistrés !")
    return redirect("control:ddets_siae", pk=siae.pk)


@login_required
def ddets_sanction(request, pk):
    institution, siae = _ddets_siae_or_404(request, pk)
    _decorate(siae, for_siae=False)
    if not workflow.SIAE.can("notify_sanction", siae):
        messages.error(request, workflow.SIAE.blocker("notify_sanction", siae))
        return redirect("control:ddets_siae", pk=siae.pk)
    sanctionable = [h for h in siae.hires.all() if h.state in SANCTIONABLE_HIRE_STATES]
    form = SanctionForm(request.POST or None, hires=sanctionable)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.notify_sanction(
                siae.pk,
                institution=institution,
                user=request.user,
                reason=data["reason"],
                text=data["text"],
                kinds=data["kinds"],
                training_details=data["training_details"],
                suspension_start=data["suspension_start"],
                suspension_end=data["suspension_end"],
                subsidy_cuts=form.subsidy_cuts(),
                no_sanction_reason=data["no_sanction_reason"],
            )
        except ValidationError as error:
            _errors(request, error)
        except TransitionNotAllowed as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Décision notifiée à la structure.")
            return redirect("control:ddets_siae", pk=siae.pk)
    return render(request, "control/ddets_sanction.html", {"siae": siae, "form": form})


# --------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------

PHASE_ACTIONS = {
    "draw": "Tirer les échantillons",
    "freeze": "Bloquer les transmissions des structures",
    "start_adversarial": "Passer en phase contradictoire",
    "close": "Clore les campagnes",
}


@login_required
def staff_campaigns(request):
    if not request.user.is_staff:
        raise PermissionDenied
    form = CampaignCreateForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create" and form.is_valid():
            try:
                created = services.create_campaigns(**form.cleaned_data, user=request.user)
            except ValidationError as error:
                _errors(request, error)
            else:
                messages.success(request, f"{len(created)} campagne(s) créée(s), une par DDETS IAE.")
                return redirect("control:staff_campaigns")
        elif action in PHASE_ACTIONS:
            start, end = request.POST.get("period_start", ""), request.POST.get("period_end", "")
            campaigns = list(Campaign.objects.filter(period_start=start, period_end=end)) if start and end else []
            if not campaigns:
                messages.error(request, "Aucune campagne pour cette période.")
            elif action == "draw":
                draw_period_task.defer(period_start=start, period_end=end, user_id=request.user.pk)
                messages.success(request, "Tirage lancé : suivez sa progression dans le journal ci-dessous.")
            else:
                moved, refused = 0, []
                for campaign in campaigns:
                    try:
                        services.CAMPAIGN_MOVES[action](campaign, user=request.user)
                        moved += 1
                    except TransitionNotAllowed as error:
                        refused.append(f"{campaign.institution} : {error.message}")
                messages.success(request, f"{PHASE_ACTIONS[action]} : {moved} campagne(s).")
                for message in refused[:10]:
                    messages.warning(request, message)
            return redirect("control:staff_campaigns")
    periods = {}
    for campaign in Campaign.objects.select_related("institution").order_by("-period_end", "institution__name"):
        periods.setdefault((campaign.period_start, campaign.period_end), []).append(campaign)
    logs = ControlLog.objects.filter(object_kind="draw").select_related("campaign__institution").order_by("-pk")[:20]
    return render(
        request,
        "control/staff_campaigns.html",
        {"form": form, "periods": periods, "actions": PHASE_ACTIONS, "logs": logs},
    )
