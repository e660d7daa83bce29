"""Inboxes, detail and actions of applications (after their creation).

Views load through permission-scoped queries (itou/job_applications/queries.py), bind a
form, call a service, flash a French message and redirect. A stale page or a double click
(TransitionNotAllowed) becomes a message, never an error page.
"""

import dataclasses
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from itou.audit.enums import AccessKind
from itou.audit.services import access_log_record
from itou.companies.enums import CompanyKind
from itou.companies.models import CompanyMembership, JobDescription
from itou.job_applications import perms, queries, services
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication, JobApplicationComment
from itou.job_applications.perms import ViewerRole
from itou.job_applications.workflow import ARCHIVABLE_STATES, TransitionNotAllowed, available_transitions
from itou.utils.organizations import (
    Role,
    get_current_company_or_404,
    get_current_prescriber_organization_or_404,
    set_current_organization,
)
from itou.utils.pagination import CountedPaginator
from itou.www.applications import display, forms
from itou.www.eligibility import views as eligibility_views

PAGE_SIZE = 20
STALE_MESSAGE = TransitionNotAllowed.message


def _page(request, queryset, *, count: int | None = None):
    """A page of `queryset`; with `count` (already known from the per-state counts), no COUNT query."""
    paginator = Paginator(queryset, PAGE_SIZE) if count is None else CountedPaginator(queryset, PAGE_SIZE, count=count)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _with_counts(form, counts: dict) -> None:
    """Show each state's count next to its checkbox."""
    form.fields["states"].choices = [
        (value, f"{label} ({counts.get(value, 0)})") for value, label in JobApplicationState.choices
    ]


# --- Lists ------------------------------------------------------------------------------


@login_required
def company_list(request, archived: bool = False):
    """Applications received by the current employer: filters, counters per state, batch actions."""
    company = get_current_company_or_404(request)
    job_descriptions = list(
        JobDescription.objects.filter(company=company).select_related("appellation").order_by("ui_rank", "pk")
    )
    form = forms.CompanyListFilterForm(request.GET or None, job_descriptions=job_descriptions)
    inbox = queries.company_inbox(company, archived=archived)
    counts = queries.state_counts(form.filter(inbox, skip_states=True))
    _with_counts(form, counts)
    # The page's total comes from the per-state counts: the filtered set is read once less.
    states = form.cleaned_data.get("states") if form.is_valid() else None
    total = sum(counts.get(state, 0) for state in states) if states else sum(counts.values())
    page, querystring = _page(request, form.order(form.filter(inbox)), count=total)
    return render(
        request,
        "applications/company_list.html",
        {
            "company": company,
            "archived": archived,
            "form": form,
            "page": page,
            "querystring": querystring,
            "total": sum(counts.values()),
            "batch_actions": [
                (value, label)
                for value, label in forms.BatchAction.CHOICES
                if value != (forms.BatchAction.ARCHIVE if archived else forms.BatchAction.UNARCHIVE)
            ],
        },
    )


@login_required
def company_archive(request):
    return company_list(request, archived=True)


@login_required
def prescriber_list(request):
    """Applications sent by the members of the current prescriber organization."""
    organization = get_current_prescriber_organization_or_404(request)
    form = forms.ListFilterForm(request.GET or None)
    sent = queries.prescriber_organization_sent(organization)
    counts = queries.state_counts(form.filter(sent, skip_states=True))
    _with_counts(form, counts)
    page, querystring = _page(request, form.order(form.filter(sent)))
    return render(
        request,
        "applications/prescriber_list.html",
        {
            "organization": organization,
            "form": form,
            "page": page,
            "querystring": querystring,
            "total": sum(counts.values()),
        },
    )


@login_required
def job_seeker_list(request):
    if not request.user.is_job_seeker:
        raise Http404
    applications = queries.job_seeker_applications(request.user).order_by("-created_at", "-pk")
    page, querystring = _page(request, applications)
    return render(request, "applications/job_seeker_list.html", {"page": page, "querystring": querystring})


# --- Batch actions ----------------------------------------------------------------------


def _safe_next(request, default: str) -> str:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return default


def _batch_service(action: str, data: dict) -> Callable:
    if action == forms.BatchAction.PROCESS:
        return services.job_application_process
    if action == forms.BatchAction.ADD_TO_POOL:
        return services.job_application_add_to_pool
    if action == forms.BatchAction.ARCHIVE:
        return services.job_application_archive
    if action == forms.BatchAction.UNARCHIVE:
        return services.job_application_unarchive
    if action == forms.BatchAction.POSTPONE:
        return lambda **kwargs: services.job_application_postpone(**kwargs, comment=data["comment"])
    if action == forms.BatchAction.REFUSE:
        return lambda **kwargs: services.job_application_refuse(
            **kwargs,
            refusal_reason=data["refusal_reason"],
            share_reason_with_job_seeker=data["share_reason_with_job_seeker"],
            answer=data["answer"],
        )
    raise ValueError(action)


BATCH_DONE = {
    forms.BatchAction.PROCESS: "mise{s} à l'étude",
    forms.BatchAction.POSTPONE: "mise{s} en attente",
    forms.BatchAction.ADD_TO_POOL: "ajoutée{s} au vivier",
    forms.BatchAction.REFUSE: "déclinée{s}",
    forms.BatchAction.ARCHIVE: "archivée{s}",
    forms.BatchAction.UNARCHIVE: "désarchivée{s}",
}


def _count(n: int, what: str) -> str:
    s = "s" if n > 1 else ""
    return f"{n} candidature{s} {what.format(s=s)}"


@login_required
@require_POST
def company_batch(request):
    """Apply one action to the ticked applications, each through its service.

    Only the current employer's applications are touched: other ids (forged, or of
    another employer) count as "introuvables". Postponing and refusing ask for their
    message and reason on a second page, which also confirms a refusal.
    """
    company = get_current_company_or_404(request)
    next_url = _safe_next(request, reverse("applications:company_list"))
    form = forms.BatchForm(request.POST)
    if not form.is_valid() and ({"ids", "action"} & set(form.errors)):
        for field in ("ids", "action"):
            for error in form.errors.get(field, []):
                messages.error(request, error)
        return redirect(next_url)
    ids = form.cleaned_data["ids"]
    found = {
        job_application.pk: job_application
        for job_application in JobApplication.objects.for_company(company)
        .filter(pk__in=ids)
        .select_related("job_seeker")
    }
    selected = [found[pk] for pk in ids if pk in found]
    if not form.is_valid() or form.needs_confirmation():
        return render(
            request,
            "applications/batch_confirm.html",
            {"form": form, "selected": selected, "missing": len(ids) - len(selected), "next": next_url},
        )
    action = form.cleaned_data["action"]
    service = _batch_service(action, form.cleaned_data)
    done, failed = 0, []
    for job_application in selected:
        try:
            service(acting_user=request.user, job_application=job_application)
        except (TransitionNotAllowed, ValidationError, PermissionDenied):
            failed.append(f"{job_application.job_seeker.get_full_name()} ({job_application.get_state_display()})")
        else:
            done += 1
    if done:
        messages.success(request, _count(done, BATCH_DONE[action]) + ".")
    if failed:
        messages.warning(
            request,
            f"Action impossible pour {_count(len(failed), '')}: " + ", ".join(failed) + ".",
        )
    if missing := len(ids) - len(selected):
        messages.warning(request, f"{_count(missing, 'introuvable{s}')} dans vos candidatures reçues.")
    return redirect(next_url)


# --- The member's email settings -------------------------------------------------------


@login_required
def notification_settings(request):
    """The current employer member chooses which new applications they are told of by
    email: per job description (open ones first) and for spontaneous applications. Every
    box is ticked by default (no opt-out row); saved in one transaction by the service."""
    company = get_current_company_or_404(request)
    membership = CompanyMembership.objects.filter(company=company, user=request.user, is_active=True).first()
    if membership is None:
        raise Http404
    job_descriptions = list(
        JobDescription.objects.filter(company=company)
        .select_related("appellation")
        .order_by("-is_open", "ui_rank", "pk")
    )
    initial = None
    if request.method != "POST":
        opted_out = set(membership.new_application_opt_outs.values_list("job_description_id", flat=True))
        initial = {
            "job_descriptions": [job.pk for job in job_descriptions if job.pk not in opted_out],
            "spontaneous": None not in opted_out,
        }
    form = forms.NotificationSettingsForm(
        request.POST if request.method == "POST" else None, job_descriptions=job_descriptions, initial=initial
    )
    if form.is_bound and form.is_valid():
        try:
            services.notification_settings_update(
                acting_user=request.user,
                membership=membership,
                notified_job_description_ids=form.cleaned_data["job_descriptions"],
                spontaneous=form.cleaned_data["spontaneous"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Vos préférences d'e-mails sont enregistrées.")
            return redirect("applications:notification_settings")
    notified = {str(value) for value in form["job_descriptions"].value() or []}
    return render(
        request,
        "applications/notification_settings.html",
        {
            "company": company,
            "form": form,
            "rows": [(job, str(job.pk) in notified) for job in job_descriptions],
            "spontaneous_checked": bool(form["spontaneous"].value()),
        },
    )


# --- Detail -----------------------------------------------------------------------------


def _memberships(request) -> tuple[set, set]:
    choices = list(request.organization_choices or [])
    companies = {choice.organization.pk for choice in choices if choice.role == Role.EMPLOYER}
    organizations = {choice.organization.pk for choice in choices if choice.role == Role.PRESCRIBER}
    return companies, organizations


def _load(request, pk):
    """The application if the user is involved (404 otherwise), and their role."""
    job_application = queries.get_job_application_for_user_or_404(request.user, pk)
    companies, organizations = _memberships(request)
    role = perms.viewer_role(
        request.user, job_application, company_ids=companies, prescriber_organization_ids=organizations
    )
    if role is None:
        raise Http404
    return job_application, role


def _act_for_the_right_organization(request, job_application, role) -> None:
    """Someone who belongs to several organizations opens an application from an email:
    act for the organization the application belongs to."""
    current = request.current_organization
    if role == ViewerRole.EMPLOYER:
        key = f"company:{job_application.to_company_id}"
    elif role == ViewerRole.SENDER and job_application.sender_prescriber_organization_id:
        key = f"prescriber:{job_application.sender_prescriber_organization_id}"
    elif role == ViewerRole.SENDER and job_application.sender_company_id:
        key = f"company:{job_application.sender_company_id}"
    else:
        return
    if current and current.key == key:
        return
    chosen = set_current_organization(request, key)
    if chosen:
        messages.info(request, f"Vous agissez maintenant pour {chosen.name} ({chosen.role_label}).")


@dataclasses.dataclass
class ActionSpec:
    slug: str
    name: str  # the transition (or log) name
    form_class: type
    service: Callable
    title: str  # the page's and the button's title
    button: str
    success: str
    consequence: str = ""  # what happens, said before confirming
    modal: bool = False  # destructive: confirmed in a modal on the detail page
    simple: bool = False  # no field: one button on the detail page


ACTION_SPECS = [
    ActionSpec(
        "etudier",
        "process",
        forms.ActionForm,
        services.job_application_process,
        "Mettre à l'étude",
        "Mettre à l'étude",
        "La candidature est à l'étude. Le candidat et le prescripteur ont été prévenus.",
        "Le candidat et le prescripteur seront prévenus que vous étudiez la candidature.",
        simple=True,
    ),
    ActionSpec(
        "accepter",
        "accept",
        forms.AcceptForm,
        services.job_application_accept,
        "Accepter la candidature",
        "Confirmer l'embauche",
        "Embauche confirmée. Le candidat et le prescripteur ont été prévenus.",
        "Le candidat et le prescripteur seront prévenus. Ses autres candidatures en attente "
        "seront closes (« embauché ailleurs »).",
    ),
    ActionSpec(
        "mettre-en-attente",
        "postpone",
        forms.PostponeForm,
        services.job_application_postpone,
        "Mettre en attente",
        "Mettre en attente",
        "La candidature est en attente. Le candidat et le prescripteur ont reçu votre message.",
        "La candidature reste ouverte ; le candidat et le prescripteur recevront votre message.",
    ),
    ActionSpec(
        "vivier",
        "add_to_pool",
        forms.ActionForm,
        services.job_application_add_to_pool,
        "Ajouter au vivier",
        "Ajouter au vivier",
        "La candidature est dans votre vivier.",
        "Vous gardez le profil pour un prochain poste ; le candidat et le prescripteur seront prévenus.",
        simple=True,
    ),
    ActionSpec(
        "action-prealable",
        "move_to_prior_to_hire",
        forms.PriorActionForm,
        services.job_application_move_to_prior_to_hire,
        "Action préalable à l'embauche",
        "Enregistrer l'action préalable",
        "L'action préalable à l'embauche est enregistrée.",
        "Une action préalable (PMSMP, POE, AFPR…) prépare l'embauche dans votre GEIQ.",
    ),
    ActionSpec(
        "decliner",
        "refuse",
        forms.RefuseForm,
        services.job_application_refuse,
        "Décliner la candidature",
        "Décliner la candidature",
        "Candidature déclinée. Le candidat et le prescripteur ont été prévenus.",
        "Le candidat et le prescripteur recevront un e-mail. Vous pourrez encore revenir sur cette "
        "décision et accepter la candidature plus tard.",
        modal=True,
    ),
    ActionSpec(
        "annuler-embauche",
        "cancel",
        forms.ActionForm,
        services.job_application_cancel,
        "Annuler l'embauche",
        "Annuler l'embauche",
        "Embauche annulée. Le candidat et le prescripteur ont été prévenus.",
        "Le contrat n'aura pas lieu ; le candidat et le prescripteur seront prévenus.",
        modal=True,
    ),
    ActionSpec(
        "transferer",
        "transfer",
        forms.TransferForm,
        services.job_application_transfer,
        "Transférer à une autre de vos structures",
        "Transférer la candidature",
        "Candidature transférée. La structure qui la reçoit, le candidat et le prescripteur ont été prévenus.",
        "La candidature arrivera comme nouvelle candidature (spontanée) dans l'autre structure ; "
        "vos commentaires internes restent ici.",
    ),
    ActionSpec(
        "dates-du-contrat",
        "update_hiring_start",
        forms.UpdateHiringStartForm,
        services.job_application_update_hiring_start,
        "Modifier les dates du contrat",
        "Enregistrer les nouvelles dates",
        "Les dates du contrat sont modifiées. Le candidat et le prescripteur ont été prévenus.",
        "Le début du contrat peut être déplacé de 30 jours au plus, tant que le contrat n'a pas commencé.",
    ),
    ActionSpec(
        "archiver",
        "archive",
        forms.NoStateForm,
        services.job_application_archive,
        "Archiver",
        "Archiver",
        "Candidature archivée : vous la retrouverez dans les archives.",
        "La candidature quitte la liste des candidatures reçues ; elle reste dans les archives.",
        simple=True,
    ),
    ActionSpec(
        "desarchiver",
        "unarchive",
        forms.NoStateForm,
        services.job_application_unarchive,
        "Désarchiver",
        "Désarchiver",
        "La candidature est de retour dans vos candidatures reçues.",
        simple=True,
    ),
]
ACTIONS = {spec.slug: spec for spec in ACTION_SPECS}


def _available_actions(request, job_application) -> list[ActionSpec]:
    """What the receiving employer may do now, in the order of ACTION_SPECS."""
    names = {
        transition.name
        for transition in available_transitions(
            job_application.state, is_geiq=job_application.to_company.kind == CompanyKind.GEIQ
        )
    }
    if job_application.state == JobApplicationState.ACCEPTED:
        names.add("update_hiring_start")
    if job_application.archived_at is not None:
        names.add("unarchive")
    elif job_application.state in ARCHIVABLE_STATES:
        names.add("archive")
    if "transfer" in names and not forms.transfer_targets(request.user, job_application).exists():
        names.discard("transfer")
    return [spec for spec in ACTION_SPECS if spec.name in names]


@login_required
def detail(request, pk):
    job_application, role = _load(request, pk)
    _act_for_the_right_organization(request, job_application, role)
    logs = list(job_application.logs.select_related("user"))
    selected_jobs = list(job_application.selected_jobs.select_related("appellation", "location"))
    context = {
        "job_application": job_application,
        "role": role,
        "is_employer": role == ViewerRole.EMPLOYER,
        "is_job_seeker": role == ViewerRole.JOB_SEEKER,
        "profile": getattr(job_application.job_seeker, "jobseeker_profile", None),
        "selected_jobs": selected_jobs,
        "timeline": display.timeline(job_application, logs, role=role),
        "status": (
            display.job_seeker_status(job_application)
            if role == ViewerRole.JOB_SEEKER
            else display.professional_next_step(job_application, employer=role == ViewerRole.EMPLOYER)
        ),
    }
    # An authorized prescriber of the sending organization makes or renews the diagnosis here.
    sender_organization = job_application.sender_prescriber_organization
    context["can_make_diagnosis"] = (
        role == ViewerRole.SENDER
        and sender_organization is not None
        and sender_organization.is_authorized
        and sender_organization.pk in perms.active_prescriber_organization_ids(request.user)
    )
    if role == ViewerRole.EMPLOYER:
        actions = _available_actions(request, job_application)
        context["actions"] = actions
        context["modal_forms"] = [
            (spec, spec.form_class(job_application=job_application, user=request.user, auto_id=f"{spec.slug}-%s"))
            for spec in actions
            if spec.modal
        ]
        context["comments"] = list(
            JobApplicationComment.objects.filter(job_application=job_application, company=job_application.to_company)
            .select_related("author")
            .order_by("created_at", "pk")
        )
        context["comment_form"] = forms.CommentForm()
    return render(request, "applications/detail.html", context)


@login_required
def action(request, pk, slug):
    """GET: the action's form on its own page (also what a browser without JavaScript uses
    instead of the modals). POST: run the service."""
    spec = ACTIONS.get(slug)
    if spec is None:
        raise Http404
    job_application, role = _load(request, pk)
    if role != ViewerRole.EMPLOYER:
        raise Http404
    detail_url = reverse("applications:detail", args=[job_application.pk])
    data = request.POST if request.method == "POST" else None
    form = spec.form_class(data, job_application=job_application, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            try:
                spec.service(acting_user=request.user, job_application=job_application, **form.service_kwargs())
            except TransitionNotAllowed:
                messages.warning(request, STALE_MESSAGE)
                return redirect(detail_url)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, field_errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, field_errors)
                else:
                    form.add_error(None, error.messages)
            else:
                messages.success(request, spec.success)
                return redirect(detail_url)
        elif "expected_state" in form.errors:
            messages.warning(request, STALE_MESSAGE)
            return redirect(detail_url)
    elif spec not in _available_actions(request, job_application):
        messages.warning(request, STALE_MESSAGE)
        return redirect(detail_url)
    elif spec.name == "accept" and eligibility_views.accept_needs_diagnosis_step(
        job_application, skip_geiq=bool(request.GET.get(eligibility_views.SKIP_GEIQ_PARAM))
    ):
        # Eligibility first (docs/eligibilite.md): the diagnosis step, then back here.
        return redirect("eligibility:accept", pk=job_application.pk)
    context = {"job_application": job_application, "spec": spec, "form": form, "detail_url": detail_url}
    if spec.name == "accept":
        context["eligibility"] = eligibility_views.accept_eligibility_summary(job_application)
    return render(request, "applications/action.html", context)


@login_required
@require_POST
def add_comment(request, pk):
    job_application, role = _load(request, pk)
    if role != ViewerRole.EMPLOYER:
        raise Http404
    form = forms.CommentForm(request.POST)
    if form.is_valid():
        try:
            services.job_application_add_comment(
                acting_user=request.user, job_application=job_application, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Commentaire ajouté. Seuls les membres de votre structure le voient.")
    else:
        messages.error(request, "Écrivez votre commentaire avant de l'ajouter.")
    return redirect(reverse("applications:detail", args=[job_application.pk]) + "#commentaires")


def file_opened_by_in_page_viewer(request) -> bool:
    """Inline only for a frame of our own page (?apercu=1, fetched by the browser as a
    same-origin iframe or embed); everything else is a download, never rendered as a page."""
    return (
        request.GET.get("apercu") == "1"
        and request.headers.get("Sec-Fetch-Dest") in ("iframe", "embed", "object")
        and request.headers.get("Sec-Fetch-Site") == "same-origin"
    )


@login_required
def resume(request, pk):
    """The CV, only for those involved (private file: MEDIA_ROOT is never served)."""
    job_application, _role = _load(request, pk)
    if not job_application.resume:
        raise Http404
    try:
        file = job_application.resume.open("rb")
    except FileNotFoundError:
        raise Http404
    name = job_application.job_seeker.get_full_name() or "candidat"
    in_page_viewer = file_opened_by_in_page_viewer(request)
    response = FileResponse(
        file, content_type="application/pdf", filename=f"CV {name}.pdf", as_attachment=not in_page_viewer
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    if in_page_viewer:
        response["X-Frame-Options"] = "SAMEORIGIN"
        response["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    access_log_record(
        viewer=request.user,
        holder=job_application.job_seeker,
        kind=AccessKind.RESUME,
        object_ref=str(job_application.pk),
        organization=getattr(request, "current_organization", None),
    )
    return response
