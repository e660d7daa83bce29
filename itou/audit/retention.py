"""Personal data does not outlive its purpose (docs/donnees-personnelles.md).

- Job seekers with no login and no application for RETENTION_INACTIVITY (2 years) are
  told by email; RETENTION_NOTICE_PERIOD (30 days) later, unless they logged in, their
  account is anonymized: names, NIR, contacts and CVs go; the rows that feed figures
  (applications, diagnoses, PASS IAE, with dates, companies, states) stay, anonymous.
- Professionals inactive (no login) for 2 years: the same; what they did stays readable
  for their organization under the name "Compte supprimé".
- CVs of applications refused more than RETENTION_REFUSED_RESUME (2 years) ago are deleted.
- A person may ask for deletion (DeletionRequest): staff handle it with one click,
  through the same `user_anonymize`.

`retention_run(dry_run=True)` changes nothing and returns the same figures as a real run.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from itou.audit.models import Anonymization, RetentionNotice
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication, JobApplicationComment
from itou.notifications.emails import Button, send_text_email
from itou.users.enums import UserKind
from itou.users.models import JobSeekerProfile, User
from itou.utils.private_files import delete_stored

logger = logging.getLogger(__name__)

RETENTION_INACTIVITY = datetime.timedelta(days=2 * 365)
RETENTION_NOTICE_PERIOD = datetime.timedelta(days=30)
RETENTION_REFUSED_RESUME = datetime.timedelta(days=2 * 365)
ANONYMOUS_FIRST_NAME = "Compte"
ANONYMOUS_LAST_NAME = "supprimé"


@dataclasses.dataclass
class RetentionFigures:
    dry_run: bool
    job_seekers_warned: int = 0
    professionals_warned: int = 0
    warnings_cancelled: int = 0
    job_seekers_anonymized: int = 0
    professionals_anonymized: int = 0
    refused_resumes_deleted: int = 0

    def as_text(self) -> str:
        verb = "seraient" if self.dry_run else "ont été"
        return "\n".join(
            [
                f"{'Simulation' if self.dry_run else 'Exécution'} de la conservation des données :",
                f"- candidats {'à prévenir' if self.dry_run else 'prévenus'} (inactifs depuis 2 ans) : "
                f"{self.job_seekers_warned}",
                f"- professionnels {'à prévenir' if self.dry_run else 'prévenus'} (inactifs depuis 2 ans) : "
                f"{self.professionals_warned}",
                f"- avertissements {'à lever' if self.dry_run else 'levés'} (reconnexion) : {self.warnings_cancelled}",
                f"- candidats qui {verb} anonymisés : {self.job_seekers_anonymized}",
                f"- professionnels qui {verb} anonymisés : {self.professionals_anonymized}",
                f"- CV de candidatures déclinées qui {verb} supprimés : {self.refused_resumes_deleted}",
            ]
        )


def _candidates():
    """People the retention applies to: job seekers and professionals, not yet anonymized."""
    return User.objects.filter(kind__in=[UserKind.JOB_SEEKER, UserKind.PROFESSIONAL], is_staff=False).exclude(
        Exists(Anonymization.objects.filter(user=OuterRef("pk")))
    )


def inactive_users(*, now):
    """Nobody logged in, joined, or (job seekers) applied or was applied for since `now - 2 years`."""
    limit = now - RETENTION_INACTIVITY
    last_application = (
        JobApplication.objects.filter(job_seeker=OuterRef("pk")).values("job_seeker").annotate(m=Max("created_at"))
    )
    return (
        _candidates()
        .annotate(
            last_activity=Greatest(
                Coalesce("last_login", "date_joined"),
                "date_joined",
                Coalesce(last_application.values("m")[:1], "date_joined"),
            )
        )
        .filter(last_activity__lt=limit)
    )


def _warn(user, *, now) -> None:
    RetentionNotice.objects.update_or_create(user=user, defaults={"warned_at": now})
    if not user.email:
        return
    context = {
        "user": user,
        "login_url": settings.SITE_URL + reverse("account_login"),
        "anonymized_on": (now + RETENTION_NOTICE_PERIOD).date(),
    }
    body = render_to_string("audit/emails/retention_notice.txt", context)
    send_text_email(
        subject="Votre compte sera bientôt supprimé",
        text=body,
        to=user.email,
        button=Button("Me connecter pour garder mon compte", context["login_url"]),
    )


@transaction.atomic
def user_anonymize(*, user, reason: str, by_user=None, now=None) -> None:
    """Remove what identifies `user`; keep the rows that others' history and figures need.

    Irreversible. Locks the user row: two runs (job and staff click) do it once.
    """
    now = now or timezone.now()
    user = User.objects.select_for_update().get(pk=user.pk)
    if Anonymization.objects.filter(user=user).exists():
        return
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    user.first_name = ANONYMOUS_FIRST_NAME
    user.last_name = ANONYMOUS_LAST_NAME
    user.email = None
    user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    from allauth.socialaccount.models import SocialAccount

    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # ProConnect / FranceConnect links and the identity they sent (names, birth date…).
    SocialAccount.objects.filter(user=user).delete()
    RetentionNotice.objects.filter(user=user).delete()
    # Connection history (IP addresses) goes; the support's log keeps its entries without addresses.
    from itou.backoffice.models import LoginEvent, StaffAction

    LoginEvent.objects.filter(user=user).delete()
    for action in StaffAction.objects.filter(target_user=user).exclude(details={}):
        action.details = {key: value for key, value in action.details.items() if "email" not in key}
        action.save(update_fields=["details"])
    profile = JobSeekerProfile.objects.filter(user=user).first()
    if profile is not None:
        profile.nir = ""
        profile.lack_of_nir_reason = ""
        profile.france_travail_id = ""
        profile.address_line = ""
        profile.birth_place_code = ""
        profile.birth_country_code = ""
        profile.identity_certified_by = ""
        profile.identity_certified_at = None
        # The birth year stays for the figures by age group; the day goes.
        if profile.birthdate:
            profile.birthdate = profile.birthdate.replace(month=1, day=1)
        profile.save()
        for application in JobApplication.objects.filter(job_seeker=user).exclude(resume=""):
            _delete_resume(application)
        JobApplication.objects.filter(job_seeker=user).update(message="", answer="", answer_to_prescriber="")
        JobApplicationComment.objects.filter(job_application__job_seeker=user).update(message="")
    Anonymization.objects.create(user=user, created_at=now, reason=reason, by_user=by_user)
    transaction.on_commit(lambda: _end_sessions(user.pk))


def _end_sessions(user_id: int) -> None:
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user_id):
            session.delete()


def _delete_resume(application) -> None:
    name = application.resume.name
    JobApplication.objects.filter(pk=application.pk).update(resume="")
    # On the store too (S3 or disk), once the row no longer points to it.
    transaction.on_commit(lambda: delete_stored(name))


def retention_run(*, dry_run: bool, now=None) -> RetentionFigures:
    now = now or timezone.now()
    figures = RetentionFigures(dry_run=dry_run)

    # 1. Warned people who logged in since: the warning is lifted.
    cancelled = RetentionNotice.objects.filter(user__last_login__gt=F("warned_at"))
    figures.warnings_cancelled = cancelled.count()
    if not dry_run:
        cancelled.delete()

    # 2. Warned 30 days ago or more, no login since: anonymized.
    due = (
        _candidates()
        .filter(retention_notice__warned_at__lte=now - RETENTION_NOTICE_PERIOD)
        .filter(Q(last_login__isnull=True) | Q(last_login__lte=F("retention_notice__warned_at")))
    )
    for user in due.only("pk", "kind"):
        if user.kind == UserKind.JOB_SEEKER:
            figures.job_seekers_anonymized += 1
        else:
            figures.professionals_anonymized += 1
        if not dry_run:
            user_anonymize(user=user, reason=Anonymization.Reason.INACTIVITY, now=now)

    # 3. Inactive for 2 years and not warned yet: told by email.
    to_warn = inactive_users(now=now).exclude(Exists(RetentionNotice.objects.filter(user=OuterRef("pk"))))
    for user in to_warn.only("pk", "kind", "email", "first_name"):
        if user.kind == UserKind.JOB_SEEKER:
            figures.job_seekers_warned += 1
        else:
            figures.professionals_warned += 1
        if not dry_run:
            with transaction.atomic():
                _warn(user, now=now)

    # 4. CVs of applications refused 2 years ago or more.
    old_refused = JobApplication.objects.filter(
        state=JobApplicationState.REFUSED,
        updated_at__lte=now - RETENTION_REFUSED_RESUME,
    ).exclude(resume="")
    figures.refused_resumes_deleted = old_refused.count()
    if not dry_run:
        for application in old_refused.only("pk", "resume"):
            with transaction.atomic():
                _delete_resume(application)
    logger.info(figures.as_text())
    return figures
