"""PASS IAE screens: employer list and detail (suspend, prolong), prolongation requests for
authorized prescribers, "Mon PASS IAE" for the job seeker, public verification.

Views load through permission-scoped queries (itou/approvals/queries.py), bind a form, call
a service, flash a French message and redirect. A stale page becomes a message.
"""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from itou.approvals import pdf, perms, queries, rules, services
from itou.approvals.enums import ProlongationRequestStatus
from itou.approvals.workflow import TransitionNotAllowed
from itou.audit.enums import AccessKind
from itou.audit.services import access_log_record
from itou.organizations.current import get_current_company_or_404, get_current_prescriber_organization_or_404
from itou.utils import throttle
from itou.utils.text import normalize
from itou.www.approvals import forms
from itou.www.dashboard.counters import PROLONGATION_ANSWERED_DAYS, SUSPENSION_ENDING_DAYS

PAGE_SIZE = 20


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def company_list(request):
    """The PASS of the employees the current employer hired, soonest end first. Filters
    and pagination run in SQL: only the 20 PASS of the page are read."""
    company = get_current_company_or_404(request)
    form = forms.CompanyListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    approvals = queries.company_approvals_list(
        company,
        today=timezone.localdate(),
        status=filters.get("status", ""),
        expires_soon=filters.get("expires_soon", False),
        suspension_ends_within=(
            datetime.timedelta(days=SUSPENSION_ENDING_DAYS) if filters.get("suspension_ends_soon") else None
        ),
        prolongation=filters.get("prolongation", ""),
        answered_since=timezone.now() - datetime.timedelta(days=PROLONGATION_ANSWERED_DAYS),
        name=filters.get("name", ""),
    )
    page = Paginator(approvals, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [(approval, approval.sql_status, approval.sql_expires_soon) for approval in page.object_list]
    return render(
        request,
        "approvals/company_list.html",
        {"company": company, "form": form, "page": page, "total": page.paginator.count},
    )


def _company_detail_context(request, company, approval) -> dict:
    today = timezone.localdate()
    can_act = perms.is_last_employer(request.user, company, approval)
    suspensions = [
        {
            "suspension": suspension,
            "can_edit": can_act and suspension.end_at >= today,
            "can_lift": can_act
            and rules.suspension_lift_end(start_at=suspension.start_at, end_at=suspension.end_at, today=today)[1]
            is None,
            "can_delete": can_act and rules.suspension_can_be_deleted(suspension.start_at, today=today),
        }
        for suspension in approval.suspensions.all()
    ]
    return {
        "company": company,
        "approval": approval,
        "status": approval.status(today),
        "can_act": can_act,
        # An older PASS of the person is read-only (only the latest one is acted on).
        "is_latest": approval.cancelled_at is None and perms.is_latest_approval(approval),
        "suspension_rows": suspensions,
        "window": rules.prolongation_window(approval.end_at),
    }


@login_required
def detail(request, pk: int):
    company = get_current_company_or_404(request)
    approval = queries.get_approval_for_company_or_404(request.user, company, pk)
    return render(request, "approvals/detail.html", _company_detail_context(request, company, approval))


def _last_employer_approval_or_404(request, pk):
    company = get_current_company_or_404(request)
    approval = queries.get_approval_for_company_or_404(request.user, company, pk)
    if not perms.is_last_employer(request.user, company, approval):
        # 403: the company sees this PASS IAE (it hired the person before).
        raise PermissionDenied(
            "Seul le dernier employeur de la personne peut suspendre ou prolonger ce PASS IAE. "
            "Vous pouvez le consulter depuis la liste des PASS IAE de votre structure."
        )
    return company, approval


@login_required
def suspend(request, pk: int):
    company, approval = _last_employer_approval_or_404(request, pk)
    form = forms.SuspensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_create(
                acting_user=request.user, company=company, approval=approval, **form.cleaned_data
            )
        except ValidationError as error:
            _errors_to_messages(request, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(
                request,
                f"Le PASS IAE est suspendu du {suspension.start_at:%d/%m/%Y} au {suspension.end_at:%d/%m/%Y}. "
                f"Sa date de fin passe au {suspension.approval.end_at:%d/%m/%Y}.",
            )
            return redirect("approvals:detail", pk=approval.pk)
    return render(request, "approvals/suspend.html", {"approval": approval, "form": form})


def _suspension_or_404(approval, suspension_pk):
    suspension = next((s for s in approval.suspensions.all() if s.pk == suspension_pk), None)
    if suspension is None:
        raise Http404
    return suspension


@login_required
def suspension_edit(request, pk: int, suspension_pk: int):
    """Change the end date of a suspension (the last employer of the latest PASS only)."""
    company, approval = _last_employer_approval_or_404(request, pk)
    suspension = _suspension_or_404(approval, suspension_pk)
    form = forms.SuspensionEndForm(request.POST or None, initial={"end_at": suspension.end_at})
    if request.method == "POST" and form.is_valid():
        try:
            suspension = services.suspension_update_end(
                acting_user=request.user, company=company, suspension=suspension, end_at=form.cleaned_data["end_at"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("end_at", message)
        except PermissionDenied:
            raise Http404 from None
        else:
            suspension.approval.refresh_from_db()
            messages.success(
                request,
                f"La suspension se termine désormais le {suspension.end_at:%d/%m/%Y}. "
                f"Le PASS IAE est valable jusqu'au {suspension.approval.end_at:%d/%m/%Y}.",
            )
            return redirect("approvals:detail", pk=approval.pk)
    return render(
        request, "approvals/suspension_edit.html", {"approval": approval, "suspension": suspension, "form": form}
    )


def _suspension_post_action(request, pk, suspension_pk, *, service, done_message):
    if request.method != "POST":
        return redirect("approvals:detail", pk=pk)
    company, approval = _last_employer_approval_or_404(request, pk)
    suspension = _suspension_or_404(approval, suspension_pk)
    try:
        service(acting_user=request.user, company=company, suspension=suspension)
    except ValidationError as error:
        _errors_to_messages(request, error)
    except PermissionDenied:
        raise Http404 from None
    else:
        approval.refresh_from_db()
        messages.success(request, f"{done_message} Le PASS IAE est valable jusqu'au {approval.end_at:%d/%m/%Y}.")
    return redirect("approvals:detail", pk=approval.pk)


@login_required
def suspension_lift(request, pk: int, suspension_pk: int):
    """ "Lever la suspension": the employee is back at work today."""
    return _suspension_post_action(
        request,
        pk,
        suspension_pk,
        service=services.suspension_lift,
        done_message="La suspension est levée : le salarié a repris le travail aujourd'hui.",
    )


@login_required
def suspension_delete(request, pk: int, suspension_pk: int):
    """Delete a suspension that has not started (an input mistake)."""
    return _suspension_post_action(
        request, pk, suspension_pk, service=services.suspension_delete, done_message="La suspension est supprimée."
    )


@login_required
def prolong(request, pk: int):
    company, approval = _last_employer_approval_or_404(request, pk)
    form = forms.ProlongationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if rules.PROLONGATION_RULES[data["reason"]].needs_prescriber:
                prolongation_request = services.prolongation_request_create(
                    acting_user=request.user,
                    company=company,
                    approval=approval,
                    reason=data["reason"],
                    end_at=data["end_at"],
                    prescriber_organization=data["prescriber_organization"],
                    explanation=data["explanation"],
                )
                message = (
                    f"Demande envoyée à {prolongation_request.prescriber_organization.name}. "
                    "Vous recevrez sa réponse par e-mail."
                )
            else:
                prolongation = services.prolongation_declare(
                    acting_user=request.user,
                    company=company,
                    approval=approval,
                    reason=data["reason"],
                    end_at=data["end_at"],
                )
                message = f"Le PASS IAE est prolongé jusqu'au {prolongation.end_at:%d/%m/%Y}."
        except ValidationError as error:
            _errors_to_messages(request, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, message)
            return redirect("approvals:detail", pk=approval.pk)
    return render(
        request,
        "approvals/prolong.html",
        {"approval": approval, "form": form, "window": rules.prolongation_window(approval.end_at)},
    )


@login_required
def prescriber_requests(request):
    organization = get_current_prescriber_organization_or_404(request)
    if not organization.is_authorized:
        raise PermissionDenied(
            "Seuls les prescripteurs habilités traitent les demandes de prolongation des PASS IAE, "
            "et votre organisation ne l'est pas. Vos candidatures restent sur votre tableau de bord."
        )
    page = Paginator(queries.prescriber_requests(organization), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "approvals/prescriber_requests.html", {"organization": organization, "page": page})


@login_required
def request_detail(request, pk: int):
    organization = get_current_prescriber_organization_or_404(request)
    prolongation_request = queries.get_request_for_prescriber_or_404(request.user, organization, pk)
    deny_form = forms.DenyForm(request.POST if request.POST.get("action") == "deny" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "grant":
                services.prolongation_request_grant(
                    acting_user=request.user, organization=organization, request=prolongation_request
                )
                messages.success(request, "Prolongation acceptée. L'employeur et le candidat sont prévenus par e-mail.")
                return redirect("approvals:prescriber_requests")
            if deny_form.is_valid():
                services.prolongation_request_deny(
                    acting_user=request.user,
                    organization=organization,
                    request=prolongation_request,
                    **deny_form.cleaned_data,
                )
                messages.success(request, "Prolongation refusée. L'employeur et le candidat sont prévenus par e-mail.")
                return redirect("approvals:prescriber_requests")
        except TransitionNotAllowed:
            messages.warning(request, TransitionNotAllowed.message)
            return redirect("approvals:prescriber_requests")
        except ValidationError as error:
            _errors_to_messages(request, error)
    return render(
        request,
        "approvals/request_detail.html",
        {
            "organization": organization,
            "prolongation_request": prolongation_request,
            "approval": prolongation_request.approval,
            "deny_form": deny_form,
            "is_pending": prolongation_request.status == ProlongationRequestStatus.PENDING,
        },
    )


@login_required
def job_seeker(request):
    if not request.user.is_job_seeker:
        raise Http404
    approvals = list(queries.job_seeker_approvals(request.user))
    return render(request, "approvals/job_seeker.html", {"approvals": approvals, "today": timezone.localdate()})


@login_required
def attestation(request, pk: int):
    if request.user.is_job_seeker:
        approval = queries.get_approval_for_job_seeker_or_404(request.user, pk)
    else:
        company = get_current_company_or_404(request)
        approval = queries.get_approval_for_company_or_404(request.user, company, pk)
    if approval.cancelled_at is not None:
        raise Http404
    response = HttpResponse(pdf.render_attestation(approval), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="attestation-pass-iae-{approval.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    access_log_record(
        viewer=request.user,
        holder=approval.job_seeker,
        kind=AccessKind.APPROVAL_ATTESTATION,
        object_ref=approval.number,
        organization=getattr(request, "current_organization", None),
    )
    return response


VERIFY_WINDOW_SECONDS = 600
VERIFY_THROTTLED_MESSAGE = (
    "Trop de vérifications depuis votre connexion en peu de temps. Patientez une dizaine de minutes avant de "
    "réessayer. Pour vérifier de nombreux PASS IAE, écrivez au support."
)


def _holder_matches(approval, form) -> bool:
    profile = getattr(approval.job_seeker, "jobseeker_profile", None)
    birthdate = form.cleaned_data.get("date_naissance")
    last_name = normalize(form.cleaned_data.get("nom") or "")
    if birthdate and profile is not None and profile.birthdate == birthdate:
        return True
    return bool(last_name) and normalize(approval.job_seeker.last_name) == last_name


def verify(request):
    """Public: is this number a genuine PASS IAE, valid today? Initials and dates only.

    Throttled per IP; the holder's birth date or last name must come with the number,
    and a number whose holder does not match answers exactly like an unknown number.
    """
    form = forms.VerifyForm(request.POST or None)
    approval = None
    searched = False
    if request.method == "POST":
        allowed = throttle.hit(
            "approval_verify",
            throttle.client_ip(request),
            limit=settings.APPROVAL_VERIFY_LIMIT_PER_IP,
            period=VERIFY_WINDOW_SECONDS,
        )
        if not allowed:
            return render(request, "429.html", {"message": VERIFY_THROTTLED_MESSAGE}, status=429)
        if form.is_valid():
            searched = True
            approval = queries.find_by_number(form.cleaned_data["numero"])
            if approval is not None and not _holder_matches(approval, form):
                approval = None
    return render(
        request,
        "approvals/verify.html",
        {
            "form": form,
            "searched": searched,
            "approval": approval,
            "status": approval.status() if approval else None,
        },
    )
