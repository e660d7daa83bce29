"""The support's world in the demo: role-limited staff accounts, two duplicate job seekers to
merge (the same person, registered twice), a pending deletion request and a few logged views.

`load_demo_backoffice()` is called at the end of `itou.demo.world.load_demo`; idempotent
(accounts found by email). Returns how many rows it created.
"""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from itou.audit.enums import AccessKind
from itou.audit.models import AccessLog, DeletionRequest
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.users.enums import EducationLevel, UserKind
from itou.users.models import JobSeekerProfile, User


def _email(local: str) -> str:
    from itou.demo.world import DEMO_EMAIL_DOMAIN  # itou.utils.demo calls this module

    return f"{local}@{DEMO_EMAIL_DOMAIN}"


def _nir(base13: str) -> str:
    return f"{base13}{97 - int(base13) % 97:02d}"


# (email, first name, last name, group)
STAFF = (
    ("support.n1", "Lucie", "Marchand", "Support"),
    ("equipe.pass", "Hugo", "Lemaire", "Équipe PASS IAE"),
)
# The same person twice: once with her NIR (self signup), once without (created by a prescriber).
DUPLICATES = (
    ("yasmine.haddad", "Yasmine", "Haddad", _nir("2880369123456"), datetime.date(1988, 3, 2)),
    ("y.haddad.pro", "Yasmine", "HADDAD", "", datetime.date(1988, 3, 2)),
)
LEAVING = ("bruno.petit", "Bruno", "Petit", _nir("1750275056789"), datetime.date(1975, 2, 11))


def _user(email, first_name, last_name, kind, password_hash, **extra) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "kind": kind,
            "password": password_hash,
            "is_staff": kind == UserKind.STAFF,
            **extra,
        },
    )
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


def _job_seeker(local, first_name, last_name, nir, birthdate, password_hash) -> tuple[User | None, int]:
    email = _email(local)
    if not User.objects.filter(email=email).exists() and EmailAddress.objects.filter(email__iexact=email).exists():
        return None, 0  # merged into another account by the support: not brought back
    user, created = _user(_email(local), first_name, last_name, UserKind.JOB_SEEKER, password_hash)
    if created:
        JobSeekerProfile.objects.create(
            user=user,
            birthdate=birthdate,
            nir=nir,
            lack_of_nir_reason="" if nir else "NO_NIR",
            education_level=EducationLevel.CAP_BEP_DIPLOMA,
        )
    return user, int(created)


@transaction.atomic
def load_demo_backoffice() -> int:
    from itou.demo.world import DEMO_PASSWORD

    password_hash = make_password(DEMO_PASSWORD)
    created = 0
    for local, first_name, last_name, group in STAFF:
        user, new = _user(_email(local), first_name, last_name, UserKind.STAFF, password_hash)
        # get_or_create: the migration makes the groups, but a flushed test database has none.
        user.groups.add(Group.objects.get_or_create(name=group)[0])
        created += int(new)
    duplicates = []
    for data in DUPLICATES:
        user, new = _job_seeker(*data, password_hash)
        duplicates.append(user)
        created += new
    # The second account has an application (moved to the first one by the merge).
    if duplicates[1] is not None and not JobApplication.objects.filter(job_seeker=duplicates[1]).exists():
        other = (
            JobApplication.objects.exclude(job_seeker__in=[user for user in duplicates if user])
            .select_related("to_company")
            .first()
        )
        if other is not None:
            application = JobApplication.objects.create(
                job_seeker=duplicates[1],
                to_company=other.to_company,
                sender_kind=other.sender_kind,
                sender=other.sender,
                sender_company=other.sender_company,
                sender_prescriber_organization=other.sender_prescriber_organization,
                message="Yasmine cherche un poste en maraîchage, à temps partiel.",
            )
            # Its "create" row, as the service would have written it.
            JobApplicationTransitionLog.objects.create(
                job_application=application,
                transition="create",
                from_state=JobApplicationState.NEW,
                to_state=JobApplicationState.NEW,
                user=other.sender,
                timestamp=application.created_at,
            )
            created += 1
    leaving, new = _job_seeker(*LEAVING, password_hash)
    created += new
    if not DeletionRequest.objects.filter(user=leaving).exists():
        DeletionRequest.objects.create(user=leaving)
        created += 1
    # Two logged views of the CV of a demo application, so that "Mes données personnelles" shows them.
    application = (
        JobApplication.objects.exclude(job_seeker__in=[user for user in (*duplicates, leaving) if user])
        .filter(to_company__memberships__isnull=False)
        .select_related("job_seeker", "to_company")
        .order_by("created_at")
        .first()
    )
    if application is not None and not AccessLog.objects.filter(holder=application.job_seeker).exists():
        viewer = application.to_company.memberships.select_related("user").first().user
        AccessLog.objects.create(
            viewer=viewer,
            holder=application.job_seeker,
            kind=AccessKind.RESUME,
            object_ref=str(application.pk),
            viewer_organization=f"company:{application.to_company_id}",
            viewer_organization_name=application.to_company.display_name,
        )
        created += 1
    return created
