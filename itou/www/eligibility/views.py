"""Eligibility diagnosis screens (docs/eligibilite.md).

- an authorized prescriber makes (or renews) a diagnosis for a job seeker reached through
  an application their organization sent, or through their apply flow;
- the receiving employer, first step of the accept action: an SIAE without a valid IAE
  diagnosis must make one; a GEIQ without a valid GEIQ diagnosis is offered one (the State
  aid depends on it) and may go on without.
Views load through scoped queries, bind the criteria form, call the service, flash a
French message and redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.control.queries import SUSPENSION_MESSAGE
from itou.eligibility import rules, services
from itou.eligibility.enums import AuthorKind
from itou.eligibility.hiring import hire_eligibility_for_application
from itou.eligibility.queries import get_valid_diagnosis, get_valid_geiq_diagnosis
from itou.job_applications.models import JobApplication
from itou.job_applications.perms import ViewerRole
from itou.organizations.current import get_current_prescriber_organization_or_404
from itou.www.applications.actions import (
    ACCEPT_SLUG,
    ACTIONS,
    EMPLOYER_ONLY,
    SKIP_GEIQ_PARAM,
    STALE_MESSAGE,
    accept_needs_diagnosis_step,
    available_actions,
    load_for_viewer,
)
from itou.www.dashboard.counters import DIAGNOSIS_EXPIRING_DAYS, expiring_diagnoses, latest_diagnoses
from itou.www.eligibility.forms import CriteriaForm


def _profile(job_seeker):
    return getattr(job_seeker, "jobseeker_profile", None)


def euros(amount: int) -> str:
    """1400 → "1 400 €" (a narrow no-break space between thousands, as in French)."""
    return f"{amount:,} €".replace(",", "\u202f")


def _saved_message(diagnosis, *, geiq: bool) -> str:
    text = f"Diagnostic d'éligibilité enregistré : il est valable jusqu'au {diagnosis.last_valid_day:%d/%m/%Y}."
    if geiq:
        text += f" Aide de l'État à l'embauche en GEIQ : {euros(diagnosis.aid_amount)}."
    return text


def _create(request, form, *, job_seeker, author_organization, geiq: bool):
    """Run the service; on a rule error, put it back on the form. Returns the diagnosis or None."""
    service = services.geiq_eligibility_diagnosis_create if geiq else services.eligibility_diagnosis_create
    try:
        return service(
            acting_user=request.user,
            job_seeker=job_seeker,
            author_organization=author_organization,
            criteria=form.cleaned_data["administrative_criteria"],
        )
    except ValidationError as error:
        for messages_ in error.message_dict.values():
            form.add_error("administrative_criteria", messages_)
    return None


def _render(request, context: dict, status: int = 200):
    return render(request, "eligibility/diagnosis.html", context, status=status)


def _not_authorized(request, *, back_url: str):
    return render(request, "eligibility/not_authorized.html", {"back_url": back_url}, status=403)


# --- Authorized prescribers -----------------------------------------------------------


def _prescriber_diagnosis(
    request, organization, job_seeker, *, geiq: bool, back_url: str, done_url: str, back_label: str = "Candidature"
):
    if not organization.is_authorized:
        return _not_authorized(request, back_url=back_url)
    current = get_valid_geiq_diagnosis(job_seeker=job_seeker) if geiq else get_valid_diagnosis(job_seeker=job_seeker)
    form = CriteriaForm(
        request.POST if request.method == "POST" else None,
        author_kind=AuthorKind.PRESCRIBER,
        geiq=geiq,
        profile=_profile(job_seeker),
    )
    if request.method == "POST" and form.is_valid():
        try:
            diagnosis = _create(request, form, job_seeker=job_seeker, author_organization=organization, geiq=geiq)
        except PermissionDenied:
            return _not_authorized(request, back_url=back_url)
        if diagnosis is not None:
            messages.success(request, _saved_message(diagnosis, geiq=geiq))
            return redirect(done_url)
    return _render(
        request,
        {
            "heading": "Diagnostic d'éligibilité GEIQ" if geiq else "Diagnostic d'éligibilité IAE",
            "job_seeker": job_seeker,
            "current": current,
            "form": form,
            "geiq": geiq,
            "back_url": back_url,
            "back_label": back_label,
            "submit_label": "Renouveler le diagnostic" if current else "Enregistrer le diagnostic",
        },
    )


@login_required
def prescriber_for_application(request, pk):
    """For the job seeker of an application sent by the current prescriber organization."""
    organization = get_current_prescriber_organization_or_404(request)
    job_application = get_object_or_404(
        JobApplication.objects.select_related("job_seeker__jobseeker_profile", "to_company"),
        pk=pk,
        sender_prescriber_organization=organization,
    )
    detail_url = reverse("applications:detail", args=[job_application.pk])
    return _prescriber_diagnosis(
        request,
        organization,
        job_application.job_seeker,
        geiq=job_application.to_company.kind == CompanyKind.GEIQ,
        back_url=detail_url,
        done_url=detail_url,
    )


@login_required
def prescriber_for_apply_flow(request, flow_id):
    """Old address of the diagnosis made during the apply flow: it is now a step of the
    flow itself (itou/www/apply/views.py: `diagnosis`), made with the application at sending."""
    return redirect("apply:diagnosis", flow_id=flow_id)


# --- The receiving employer, when accepting ---------------------------------------------


@login_required
def accept_step(request, pk):
    job_application, role = load_for_viewer(request, pk)
    if role != ViewerRole.EMPLOYER:
        raise PermissionDenied(EMPLOYER_ONLY)
    company = job_application.to_company
    accept_url = reverse("applications:action", args=[job_application.pk, ACCEPT_SLUG])
    if ACTIONS[ACCEPT_SLUG] not in available_actions(request, job_application):
        # Already hired, or a stale page: nothing to diagnose for.
        messages.warning(request, STALE_MESSAGE)
        return redirect("applications:detail", pk=job_application.pk)
    if company.kind not in SIAE_KINDS and company.kind != CompanyKind.GEIQ:
        return redirect(accept_url)
    geiq = company.kind == CompanyKind.GEIQ
    job_seeker = job_application.job_seeker
    if not geiq:
        eligibility = hire_eligibility_for_application(job_application)
        if not eligibility.allowed and eligibility.error.startswith(SUSPENSION_MESSAGE):
            # Self-prescription withdrawn by a control sanction: no diagnosis by the SIAE.
            messages.error(request, eligibility.error)
            return redirect("applications:detail", pk=job_application.pk)
    if request.method == "GET" and not accept_needs_diagnosis_step(job_application):
        messages.info(
            request, "Ce candidat a déjà un diagnostic d'éligibilité valide : vous pouvez confirmer l'embauche."
        )
        return redirect(accept_url)
    form = CriteriaForm(
        request.POST if request.method == "POST" else None,
        author_kind=AuthorKind.EMPLOYER,
        company_kind=company.kind,
        geiq=geiq,
        profile=_profile(job_seeker),
    )
    if request.method == "POST" and form.is_valid():
        try:
            diagnosis = _create(request, form, job_seeker=job_seeker, author_organization=company, geiq=geiq)
        except PermissionDenied:
            raise Http404
        if diagnosis is not None:
            messages.success(
                request, _saved_message(diagnosis, geiq=geiq) + " Vous pouvez maintenant confirmer l'embauche."
            )
            return redirect(accept_url)
    return _render(
        request,
        {
            "heading": "Accepter la candidature",
            "job_seeker": job_seeker,
            "job_application": job_application,
            "form": form,
            "geiq": geiq,
            "employer": True,
            "company": company,
            "back_url": reverse("applications:detail", args=[job_application.pk]),
            "skip_url": f"{accept_url}?{SKIP_GEIQ_PARAM}=1" if geiq else "",
            "submit_label": "Enregistrer le diagnostic et continuer",
            "stepper": {
                "number": 1,
                "count": 2,
                "title": "Diagnostic d'éligibilité GEIQ" if geiq else "Diagnostic d'éligibilité",
                "next_title": "Dates du contrat et confirmation",
            },
            "aid_amounts": {"full": euros(rules.GEIQ_AID_FULL), "reduced": euros(rules.GEIQ_AID_REDUCED)},
            "today": timezone.localdate(),
        },
    )


# --- The diagnoses an authorized prescriber made ("Mes candidats") -----------------------

DIAGNOSES_PAGE_SIZE = 20


@login_required
def prescriber_diagnoses(request):
    """The people whose diagnosis the current (authorized) organization made, newest
    diagnosis per person, soonest expiry first; `expire_bientot` keeps those expiring within
    30 days (the dashboard's counter). Constant queries: page, count, criteria prefetch."""
    organization = get_current_prescriber_organization_or_404(request)
    if not organization.is_authorized:
        raise Http404
    today = timezone.localdate()
    expiring_only = bool(request.GET.get("expire_bientot"))
    diagnoses = expiring_diagnoses(organization, today=today) if expiring_only else latest_diagnoses(organization)
    diagnoses = (
        diagnoses.select_related("job_seeker", "author", "author_prescriber_organization")
        .prefetch_related("administrative_criteria")
        .order_by("-expires_at", "-pk")
    )
    if expiring_only:
        diagnoses = diagnoses.order_by("expires_at", "pk")
    page = Paginator(diagnoses, DIAGNOSES_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "eligibility/prescriber_diagnoses.html",
        {
            "organization": organization,
            "page": page,
            "today": today,
            "expiring_only": expiring_only,
            "expiring_days": DIAGNOSIS_EXPIRING_DAYS,
            "querystring": "expire_bientot=on" if expiring_only else "",
        },
    )
