"""Inboxes, detail and actions of applications (after their creation).

Views load through permission-scoped queries (itou/job_applications/queries.py), bind a
form, call a service, flash a French message and redirect. A stale page or a double click
(TransitionNotAllowed) becomes a message, never an error page.
"""

from collections import Counter
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Value
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from itou.approvals.models import ApprovalHire, PendingApprovalRequest
from itou.audit.enums import AccessKind
from itou.audit.services import access_log_record
from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.companies.models import CompanyMembership, JobDescription
from itou.eligibility.queries import get_valid_diagnosis, get_valid_geiq_diagnosis
from itou.exchanges.queries import with_unread
from itou.job_applications import perms, queries, services
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication, JobApplicationComment
from itou.job_applications.perms import ViewerRole
from itou.job_applications.workflow import TransitionNotAllowed
from itou.organizations.current import (
    get_current_company_or_404,
    get_current_prescriber_organization_or_404,
    set_current_organization,
)
from itou.utils.pagination import CountedPaginator
from itou.utils.private_files import serve_private_file
from itou.utils.redirects import safe_redirect_target
from itou.www.applications import display, exchanges, forms, inbox
from itou.www.applications.actions import (
    ACTIONS,
    EMPLOYER_ONLY,
    SKIP_GEIQ_PARAM,
    STALE_MESSAGE,
    accept_eligibility_summary,
    accept_needs_diagnosis_step,
    available_actions,
    load_for_viewer,
)

PAGE_SIZE = 20


def _page(request, queryset, *, count: int | None = None):
    """A page of `queryset`; with `count` (already known from the per-state counts), no COUNT query."""
    paginator = Paginator(queryset, PAGE_SIZE) if count is None else CountedPaginator(queryset, PAGE_SIZE, count=count)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


class _Slices:
    """What a paginator slices: `fetch(low, high)` gives the rows of a page."""

    def __init__(self, fetch):
        self.fetch = fetch

    def __getitem__(self, bounds: slice):
        return self.fetch(bounds.start, bounds.stop)


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
    # (id, display name) pairs: the filter's choices need nothing else.
    job_descriptions = list(
        JobDescription.objects.filter(company=company)
        .order_by("ui_rank", "pk")
        .values_list("pk", Coalesce(NullIf("custom_title", Value("")), "appellation__name"))
    )
    form = forms.CompanyListFilterForm(request.GET or None, job_descriptions=job_descriptions)
    received = queries.company_inbox(company, archived=archived)
    states = form.cleaned_data.get("states") if form.is_valid() else None
    if form.is_valid() and form.cleaned_data.get("job_seeker"):
        # A name search: the employer's applications are read once with their job seeker
        # (the name is on the user row), giving the per-state counts and the ids of the
        # page's set; the page then reads its rows by primary key (two scans and two
        # probes of the users table per application before).
        rows = list(form.filter(received, skip_states=True).order_by().values_list("pk", "state"))
        counts = dict(Counter(state for _pk, state in rows))
        listed = received.filter(pk__in=[pk for pk, state in rows if not states or state in states])
    else:
        counts = queries.state_counts(form.filter(received, skip_states=True))
        listed = form.filter(received)
    _with_counts(form, counts)
    # The page's total comes from the per-state counts: the filtered set is read once less.
    total = sum(counts.get(state, 0) for state in states) if states else sum(counts.values())
    if form.is_filtered:
        rows = inbox.rows_queryset(listed, request.user, order=form.order)
    else:
        # The usual page: its query is compiled once per process (itou/www/applications/inbox.py).
        sort = (form.cleaned_data.get("sort") or "") if form.is_valid() else ""
        rows = _Slices(
            lambda low, high: inbox.unfiltered_page_rows(
                company, request.user, archived=archived, order=form.order, order_key=sort, low=low, high=high
            )
        )
    page, querystring = _page(request, rows, count=total)
    page.object_list = [display.InboxRow(values) for values in page.object_list]
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
    page, querystring = _page(request, with_unread(form.order(form.filter(sent)), request.user, ViewerRole.SENDER))
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
    applications = with_unread(
        queries.job_seeker_applications(request.user).order_by("-created_at", "-pk"),
        request.user,
        ViewerRole.JOB_SEEKER,
    )
    page, querystring = _page(request, applications)
    return render(request, "applications/job_seeker_list.html", {"page": page, "querystring": querystring})


# --- Batch actions ----------------------------------------------------------------------


def _safe_next(request, default: str) -> str:
    return safe_redirect_target(request, request.POST.get("next"), default)


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
        return HttpResponseRedirect(next_url)
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
    return HttpResponseRedirect(next_url)


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


def hire_approval(job_application):
    """The PASS IAE covering this hire (one query), or None; `pending` when staff must issue
    it by hand (no NIR nor France Travail id)."""
    if job_application.state != JobApplicationState.ACCEPTED:
        return None, False
    return _approval_of(job_application)


def _approval_of(job_application):
    hire = (
        ApprovalHire.objects.filter(job_application=job_application, cancelled_at__isnull=True)
        .select_related("approval")
        .first()
    )
    if hire is not None:
        return hire.approval, False
    pending = PendingApprovalRequest.objects.filter(job_application=job_application, resolved_at__isnull=True).exists()
    return None, pending


def hire_message(job_application) -> str:
    """What the success message of a hire says about the PASS IAE (UX.md: the number and
    its dates, right away)."""
    approval, pending = _approval_of(job_application)  # `job_application` predates the hire
    if approval is not None:
        return (
            f" PASS IAE n° {approval.display_number}, valable du {approval.start_at:%d/%m/%Y}"
            f" au {approval.end_at:%d/%m/%Y} : retrouvez-le et son attestation sur cette page."
        )
    if pending:
        return (
            " Le PASS IAE sera délivré par l'équipe support après vérification de l'identité du candidat"
            " (ni numéro de sécurité sociale ni identifiant France Travail) : vous serez prévenu par e-mail."
        )
    return ""


def diagnosis_in_force(job_application, role):
    """The eligibility diagnosis shown on the application: the one the hire relied on, or
    the one the employer would rely on now (a prescriber's first; the employer's own only
    for the employer: DOMAIN.md). The sender sees a prescriber's diagnosis only."""
    company = job_application.to_company
    if company.kind == CompanyKind.GEIQ:
        diagnosis = job_application.geiq_eligibility_diagnosis or get_valid_geiq_diagnosis(
            job_seeker=job_application.job_seeker, for_company=company if role == ViewerRole.EMPLOYER else None
        )
    elif company.kind in SIAE_KINDS:
        diagnosis = job_application.eligibility_diagnosis or get_valid_diagnosis(
            job_seeker=job_application.job_seeker, for_company=company if role == ViewerRole.EMPLOYER else None
        )
    else:
        return None
    if diagnosis is not None and role != ViewerRole.EMPLOYER and not diagnosis.is_by_prescriber:
        return None
    return diagnosis


@login_required
def detail(request, pk):
    job_application, role = load_for_viewer(request, pk)
    _act_for_the_right_organization(request, job_application, role)
    logs = list(job_application.logs.select_related("user"))
    selected_jobs = list(job_application.selected_jobs.select_related("appellation", "location"))
    thread_context = exchanges.thread_context(request, job_application, role)
    timeline = display.timeline(job_application, logs, role=role) + exchanges.timeline_entries(thread_context["thread"])
    context = {
        **thread_context,
        "job_application": job_application,
        "role": role,
        "is_employer": role == ViewerRole.EMPLOYER,
        "is_job_seeker": role == ViewerRole.JOB_SEEKER,
        "profile": getattr(job_application.job_seeker, "jobseeker_profile", None),
        "selected_jobs": selected_jobs,
        "timeline": sorted(timeline, key=lambda entry: entry.timestamp),
        "status": (
            display.job_seeker_status(job_application)
            if role == ViewerRole.JOB_SEEKER
            else display.professional_next_step(job_application, employer=role == ViewerRole.EMPLOYER)
        ),
    }
    context["approval"], context["approval_pending"] = hire_approval(job_application)
    if role in (ViewerRole.EMPLOYER, ViewerRole.SENDER):
        context["diagnosis"] = diagnosis_in_force(job_application, role)
    # An authorized prescriber of the sending organization makes or renews the diagnosis here.
    sender_organization = job_application.sender_prescriber_organization
    context["can_make_diagnosis"] = (
        role == ViewerRole.SENDER
        and sender_organization is not None
        and sender_organization.is_authorized
        and sender_organization.pk in perms.active_prescriber_organization_ids(request.user)
    )
    if role == ViewerRole.EMPLOYER:
        actions = available_actions(request, job_application)
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
    job_application, role = load_for_viewer(request, pk)
    if role != ViewerRole.EMPLOYER:
        raise PermissionDenied(EMPLOYER_ONLY)
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
                message = spec.success
                if spec.name == "accept":
                    message += hire_message(job_application)
                messages.success(request, message)
                return redirect(detail_url)
        elif "expected_state" in form.errors:
            messages.warning(request, STALE_MESSAGE)
            return redirect(detail_url)
    elif spec not in available_actions(request, job_application):
        messages.warning(request, STALE_MESSAGE)
        return redirect(detail_url)
    elif spec.name == "accept" and accept_needs_diagnosis_step(
        job_application, skip_geiq=bool(request.GET.get(SKIP_GEIQ_PARAM))
    ):
        # Eligibility first (docs/eligibilite.md): the diagnosis step, then back here.
        return redirect("eligibility:accept", pk=job_application.pk)
    context = {"job_application": job_application, "spec": spec, "form": form, "detail_url": detail_url}
    if spec.name == "accept":
        context["eligibility"] = accept_eligibility_summary(job_application)
    return render(request, "applications/action.html", context)


@login_required
@require_POST
def add_comment(request, pk):
    job_application, role = load_for_viewer(request, pk)
    if role != ViewerRole.EMPLOYER:
        raise PermissionDenied(EMPLOYER_ONLY)
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
    job_application, _role = load_for_viewer(request, pk)
    if not job_application.resume:
        raise Http404
    name = job_application.job_seeker.get_full_name() or "candidat"
    in_page_viewer = file_opened_by_in_page_viewer(request)
    response = serve_private_file(request, job_application.resume, filename=f"CV {name}.pdf", inline=in_page_viewer)
    if response.status_code == 404:
        return response
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
