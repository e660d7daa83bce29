"""Support requests: writing, answering, answering back (docs/echanges.md)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from itou.job_applications.apply import resume_check
from itou.notifications.emails import Button, send_email
from itou.support.models import WORKFLOW, SupportMessage, SupportRequest
from itou.utils.private_files import storing

MAX_REQUESTS_PER_IP = 5
RATE_LIMIT_WINDOW = datetime.timedelta(hours=1)
# The same subject and text from the same address within this delay is the same request (a double click).
DUPLICATE_WINDOW = datetime.timedelta(minutes=10)
THROTTLED_MESSAGE = (
    "Vous avez envoyé beaucoup de demandes en peu de temps depuis cette connexion. "
    "Réessayez dans une heure : le support a bien reçu vos demandes précédentes."
)
MESSAGE_MAX_LENGTH = 5000


class Throttled(Exception):
    message = THROTTLED_MESSAGE


def clean_body(body: str, field: str = "body") -> str:
    body = (body or "").replace("\r\n", "\n").replace("\x00", "").strip()
    if not body:
        raise ValidationError({field: "Écrivez votre message."})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError({field: f"Votre message est trop long : {MESSAGE_MAX_LENGTH} caractères au plus."})
    return body


def is_throttled(ip_address, *, now=None) -> bool:
    if not ip_address:
        return False
    now = now or timezone.now()
    return (
        SupportRequest.objects.filter(ip_address=ip_address, created_at__gte=now - RATE_LIMIT_WINDOW).count()
        >= MAX_REQUESTS_PER_IP
    )


def safe_page(page: str) -> str:
    """The page the user came from: a path of this site, or nothing."""
    page = (page or "").strip()[:500]
    if not page.startswith("/") or not url_has_allowed_host_and_scheme(page, allowed_hosts=None):
        return ""
    return page


def _context_objects(user, page: str, current_organization):
    """The application or PASS IAE of the page the user came from, if they may see it."""
    from itou.approvals import perms as approval_perms
    from itou.approvals.models import Approval
    from itou.job_applications.queries import visible_to

    if not (page and user and user.is_authenticated):
        return {}
    try:
        match = resolve(page.split("?")[0].split("#")[0])
    except Resolver404:
        return {}
    pk = match.kwargs.get("pk")
    if match.view_name.startswith("applications:") and pk:
        job_application = visible_to(user).filter(pk=pk).first()
        return {"job_application": job_application} if job_application else {}
    if match.view_name == "approvals:detail" and pk:
        approval = Approval.objects.filter(pk=pk).first()
        if approval is None:
            return {}
        company = (
            current_organization.company if current_organization and current_organization.role == "employer" else None
        )
        if (company and approval_perms.can_view_as_employer(user, company, approval)) or (
            approval_perms.can_view_as_job_seeker(user, approval)
        ):
            return {"approval": approval}
    return {}


def thread_url(support_request) -> str:
    return reverse("support:thread", args=[support_request.access_token])


@transaction.atomic
def request_create(
    *, user, email, category, subject, body, page="", attachment=None, ip_address=None, current_organization=None
) -> SupportRequest:
    """A new request, with its context; Throttled past MAX_REQUESTS_PER_IP an hour from one IP."""
    if is_throttled(ip_address):
        raise Throttled
    authenticated = user is not None and user.is_authenticated
    if authenticated:
        email = user.email
    if not email:
        raise ValidationError({"email": "Indiquez votre adresse e-mail : le support vous répondra à cette adresse."})
    subject = (subject or "").strip()[:200]
    if not subject:
        raise ValidationError({"subject": "Indiquez l'objet de votre demande."})
    body = clean_body(body)
    if attachment:
        try:
            resume_check(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages})
    page = safe_page(page)
    # A double click (two identical requests at once): the second waits for the first,
    # then finds it and creates nothing.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"support-request:{email.strip().lower()}"])
    duplicate = (
        SupportRequest.objects.filter(
            email=email,
            subject=subject,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
            messages__body=body,
        )
        .order_by("-created_at")
        .first()
    )
    if duplicate is not None:
        return duplicate
    support_request = SupportRequest.objects.create(
        category=category,
        subject=subject,
        user=user if authenticated else None,
        email=email,
        user_role=(user.get_kind_display() if authenticated else "Visiteur non connecté"),
        organization_label=(
            f"{current_organization.name} ({current_organization.role_label})" if current_organization else ""
        ),
        page=page,
        ip_address=ip_address,
        **_context_objects(user if authenticated else None, page, current_organization),
    )
    message = SupportMessage(request=support_request, author=user if authenticated else None, body=body)
    if attachment:
        with storing(message.attachment, f"{message.pk}.pdf", attachment):
            message.save()
    else:
        message.save()
    send_email(
        "support/emails/received",
        to=email,
        context={"support_request": support_request},
        button=Button("Suivre ma demande", thread_url(support_request)),
    )
    return support_request


@transaction.atomic
def staff_reply(*, staff, support_request, body) -> SupportMessage:
    """The support answers: the user gets an email whose link lets them answer back."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    WORKFLOW.check("reply", support_request.status, actor="staff")
    body = clean_body(body, "reply")
    now = timezone.now()
    message = SupportMessage.objects.create(
        request=support_request, author=staff, from_staff=True, body=body, created_at=now
    )
    support_request.status = WORKFLOW["reply"].target
    support_request.first_response_at = support_request.first_response_at or now
    if support_request.assigned_to_id is None:
        support_request.assigned_to = staff
    support_request.save()
    send_email(
        "support/emails/reply",
        to=support_request.email,
        context={"support_request": support_request, "message": message},
        button=Button("Lire la réponse et répondre", thread_url(support_request)),
    )
    return message


@transaction.atomic
def staff_note(*, staff, support_request, body) -> SupportMessage:
    return SupportMessage.objects.create(
        request=support_request, author=staff, from_staff=True, internal_note=True, body=clean_body(body, "note")
    )


@transaction.atomic
def staff_transition(*, staff, support_request, name) -> SupportRequest:
    """take, close, reopen (the back-office's actions)."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    transition = WORKFLOW.check(name, support_request.status, actor="staff")
    support_request.status = transition.target
    if name == "take" and support_request.assigned_to_id is None:
        support_request.assigned_to = staff
    support_request.closed_at = timezone.now() if name == "close" else None
    support_request.save()
    return support_request


@transaction.atomic
def user_reply(*, support_request, body, user=None, attachment=None) -> SupportMessage:
    """The user answers back (from the email's link or their account): the request is open again."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    WORKFLOW.check("user_reply", support_request.status, actor="user")
    body = clean_body(body)
    if attachment:
        try:
            resume_check(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages})
    message = SupportMessage(
        request=support_request, author=user if user and user.is_authenticated else None, body=body
    )
    if attachment:
        with storing(message.attachment, f"{message.pk}.pdf", attachment):
            message.save()
    else:
        message.save()
    support_request.status = WORKFLOW["user_reply"].target
    support_request.closed_at = None
    support_request.save()
    return message
