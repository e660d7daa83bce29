"""Writing, reading and being told of the messages of an application (docs/echanges.md)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from itou.companies.models import CompanyMembership
from itou.exchanges import notifications
from itou.exchanges.models import MESSAGE_MAX_LENGTH, NOTIFICATION_DELAY, ApplicationMessage, Side, ThreadState
from itou.exchanges.queries import EPOCH, visibility_filter
from itou.job_applications import perms
from itou.job_applications.apply import resume_check
from itou.job_applications.models import JobApplication
from itou.utils.private_files import storing

EMPTY_MESSAGE = "Écrivez votre message avant de l'envoyer."
TOO_LONG_MESSAGE = f"Votre message est trop long : {MESSAGE_MAX_LENGTH} caractères au plus ({{length}} actuellement)."


def clean_body(body: str) -> str:
    """Stripped, line endings normalized; ValidationError (in French) if empty or too long."""
    body = (body or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not body:
        raise ValidationError({"body": EMPTY_MESSAGE})
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError({"body": TOO_LONG_MESSAGE.format(length=len(body))})
    return body


def _author_organization(user, job_application, side):
    if side == Side.EMPLOYER:
        return {"author_company_id": job_application.to_company_id}
    if side == Side.SENDER:
        if job_application.sender_prescriber_organization_id:
            return {"author_prescriber_organization_id": job_application.sender_prescriber_organization_id}
        if job_application.sender_company_id:
            return {"author_company_id": job_application.sender_company_id}
    return {}


@transaction.atomic
def message_post(*, acting_user, job_application, body: str, between_professionals=False, attachment=None):
    """Post a message on the application's thread, then tell the other side by email
    (at most one email per thread per recipient per hour: the others are grouped by the
    periodic job `exchanges_notify_pending`)."""
    side = perms.viewer_role(acting_user, job_application)
    if side is None:
        raise PermissionDenied("Vous ne participez pas à cette candidature.")
    body = clean_body(body)
    if side == Side.JOB_SEEKER:
        between_professionals = False
    if attachment:
        try:
            resume_check(attachment)
        except ValidationError as error:
            raise ValidationError({"attachment": error.messages})
    now = timezone.now()
    message = ApplicationMessage(
        job_application=job_application,
        author=acting_user,
        author_side=side,
        body=body,
        between_professionals=bool(between_professionals),
        created_at=now,
        **_author_organization(acting_user, job_application, side),
    )
    if attachment:
        with storing(message.attachment, f"{message.pk}.pdf", attachment):
            message.save()
    else:
        message.save()
    # The author has read everything up to their own message.
    ThreadState.objects.update_or_create(
        job_application=job_application, user=acting_user, defaults={"side": side, "last_read_at": now}
    )
    for recipient, recipient_side in recipients(job_application, author=acting_user, author_side=side, message=message):
        state, _created = ThreadState.objects.get_or_create(
            job_application=job_application, user=recipient, defaults={"side": recipient_side}
        )
        if state.last_notified_at is None or state.last_notified_at <= now - NOTIFICATION_DELAY:
            _notify(state, now=now)
    return message


def recipients(job_application, *, author, author_side, message) -> list:
    """Who is told of a new message: the other side(s), as long as they still see the application.

    - employer's message → the sender (prescriber or employer who applied), the job seeker
      unless "entre professionnels" or they sent it themselves;
    - sender's message → the receiving employer's active members, the job seeker unless
      "entre professionnels";
    - job seeker's message → the receiving employer's active members and the prescriber who sent it;
    plus anyone of another side who already took part in the thread (a colleague of the sender).
    """
    users = {}

    def add(user, side):
        if user is not None and user.pk != author.pk and user.is_active and side != author_side:
            users.setdefault(user.pk, (user, side))

    if author_side != Side.EMPLOYER:
        for membership in CompanyMembership.objects.filter(
            company_id=job_application.to_company_id, is_active=True, user__is_active=True
        ).select_related("user"):
            add(membership.user, Side.EMPLOYER)
    if job_application.sender_kind != "job_seeker":
        add(job_application.sender, Side.SENDER)
    if not message.between_professionals:
        add(job_application.job_seeker, Side.JOB_SEEKER)
    for state in ThreadState.objects.filter(job_application=job_application).select_related("user"):
        add(state.user, state.side)
    # Still involved (a member who left their organization is no longer told).
    return [
        (user, side)
        for user, side in users.values()
        if perms.viewer_role(user, job_application) == side
        and (not message.between_professionals or side != Side.JOB_SEEKER)
    ]


def _notify(state, *, now) -> bool:
    """One email to `state.user` for the messages of the thread they have neither read nor been told of."""
    since = max(filter(None, [state.last_read_at, state.last_notified_at, EPOCH]))
    job_application = JobApplication.objects.select_related("job_seeker", "to_company").get(pk=state.job_application_id)
    new_messages = list(
        ApplicationMessage.objects.filter(job_application=job_application, created_at__gt=since)
        .filter(visibility_filter(state.side, job_application))
        .exclude(author_id=state.user_id)
        .select_related("author", "author_company", "author_prescriber_organization")
        .order_by("created_at", "pk")
    )
    if not new_messages:
        return False
    notifications.new_messages(state.user, job_application, new_messages, side=state.side)
    ThreadState.objects.filter(pk=state.pk).update(last_notified_at=now)
    return True


def notify_pending(*, now=None) -> int:
    """The grouped emails: every (thread, person) with messages neither read nor told of,
    whose last email is older than NOTIFICATION_DELAY. Returns how many emails were sent."""
    now = now or timezone.now()
    pending_message = ApplicationMessage.objects.filter(
        job_application=OuterRef("job_application"),
        created_at__gt=Greatest(
            Coalesce(OuterRef("last_read_at"), EPOCH), Coalesce(OuterRef("last_notified_at"), EPOCH)
        ),
    ).exclude(author_id=OuterRef("user_id"))
    states = (
        ThreadState.objects.filter(Q(last_notified_at__isnull=True) | Q(last_notified_at__lte=now - NOTIFICATION_DELAY))
        .filter(user__is_active=True)
        .alias(
            has_any=Exists(pending_message),
            has_public=Exists(pending_message.filter(between_professionals=False)),
            has_since_transfer=Exists(
                pending_message.filter(
                    Q(job_application__transferred_at__isnull=True)
                    | Q(created_at__gte=F("job_application__transferred_at"))
                )
            ),
        )
        .filter(
            Q(side=Side.JOB_SEEKER, has_public=True)
            | Q(side=Side.SENDER, has_any=True)
            | Q(side=Side.EMPLOYER, has_since_transfer=True)
        )
        .select_related("user", "job_application")
    )
    sent = 0
    for state in states:
        with transaction.atomic():
            if perms.viewer_role(state.user, state.job_application) != state.side:
                continue
            sent += _notify(state, now=now)
    return sent


def thread_mark_read(*, user, job_application, side, now=None) -> None:
    """`user` has read the thread up to now (opening the application page): one upsert query."""
    ThreadState.objects.bulk_create(
        [ThreadState(job_application=job_application, user=user, side=side, last_read_at=now or timezone.now())],
        update_conflicts=True,
        unique_fields=["job_application", "user"],
        update_fields=["side", "last_read_at"],
    )
