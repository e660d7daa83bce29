"""Sending an application ("postuler"): who may send it, finding the job seeker, CV checks,
and the creation service itself (see docs/postuler.md).

The screens of the journey live in itou/www/apply/; every rule that must hold when the
application is written is checked again in `job_application_create`, inside one
transaction with row locks, whatever the screens already checked.
"""

import dataclasses
import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from itou.companies.enums import CompanyKind
from itou.companies.models import Company, CompanyMembership, JobDescription
from itou.job_applications import notifications
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import (
    MIN_DELAY_BETWEEN_APPLICATIONS_TO_SAME_COMPANY,
    RESUME_MAX_SIZE,
    JobApplication,
    JobApplicationTransitionLog,
)
from itou.organizations.current import Role
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.users.enums import UserKind
from itou.users.models import JobSeekerProfile, User
from itou.utils.pdf_safety import ActivePDFContent, pdf_active_content_check
from itou.utils.private_files import store_errors, storing
from itou.utils.text import normalize

# The transition name of the creation row of the timeline (JobApplicationTransitionLog).
CREATE_TRANSITION = "create"
# Where a CV waits while the application is being written (private storage, one file a flow).
RESUME_DRAFT_DIR = "resumes/drafts"


# --------------------------------------------------------------------------------------
# Errors: each carries a French message and the step of the journey that can fix it.
# --------------------------------------------------------------------------------------


class ApplyError(Exception):
    """The application cannot be sent as it is; `message` says why and what to do."""

    step = None  # the step of the journey where the user can fix it, if any

    def __init__(self, message: str, *, step: str | None = None):
        super().__init__(message)
        self.message = message
        if step is not None:
            self.step = step


class CompanyNotOpen(ApplyError):
    """The company is inactive or unknown: the screens answer 404."""


class ApplicationTooSoon(ApplyError):
    step = "person"


class SelectionNoLongerOpen(ApplyError):
    step = "jobs"


class ResumeRequired(ApplyError):
    step = "message"


# --------------------------------------------------------------------------------------
# Who sends the application
# --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Sender:
    kind: str  # SenderKind
    organization: object | None  # PrescriberOrganization, Company (auto-prescription) or None


def apply_sender_for(*, user, current_organization, company) -> Sender:
    """Who `user` applies as, to `company`, or PermissionDenied with a French message.

    A job seeker applies for themself; a professional acts for the organization chosen in
    the header: a prescriber organization (for a job seeker), or the target company itself
    (auto-prescription). An employer never applies to another company.
    """
    if not user.is_authenticated:
        raise PermissionDenied("Connectez-vous pour postuler.")
    if user.kind == UserKind.JOB_SEEKER:
        return Sender(SenderKind.JOB_SEEKER, None)
    if user.kind != UserKind.PROFESSIONAL:
        raise PermissionDenied("Votre compte ne permet pas d'envoyer de candidature.")
    if not current_organization:
        raise PermissionDenied(
            "Pour postuler pour un candidat, vous devez être membre d'une organisation prescriptrice "
            "ou de cette structure. Demandez une invitation à un administrateur de votre organisation."
        )
    if current_organization.role == Role.PRESCRIBER:
        return Sender(SenderKind.PRESCRIBER, current_organization.organization)
    if current_organization.role == Role.EMPLOYER:
        if current_organization.organization.pk != company.pk:
            raise PermissionDenied(
                "En tant qu'employeur, vous pouvez seulement enregistrer une candidature pour votre propre "
                f"structure ({current_organization.name}) : c'est l'auto-prescription. Pour orienter un "
                "candidat vers une autre structure, agissez pour une organisation prescriptrice."
            )
        return Sender(SenderKind.EMPLOYER, current_organization.organization)
    raise PermissionDenied(
        "Les institutions partenaires n'envoient pas de candidatures. Si vous êtes aussi prescripteur ou "
        "employeur, changez d'organisation dans l'en-tête."
    )


def _check_sender(*, acting_user, job_seeker, company, sender_kind, sender_organization) -> None:
    """The database view of `apply_sender_for`: memberships are read again, never trusted."""
    if not acting_user.is_active:
        raise PermissionDenied("Votre compte est désactivé.")
    if sender_kind == SenderKind.JOB_SEEKER:
        if acting_user.kind != UserKind.JOB_SEEKER or acting_user.pk != job_seeker.pk or sender_organization:
            raise PermissionDenied("Un candidat ne peut postuler que pour lui-même.")
        return
    if acting_user.kind != UserKind.PROFESSIONAL:
        raise PermissionDenied("Seul un professionnel peut postuler pour un candidat.")
    if sender_kind == SenderKind.PRESCRIBER:
        if not isinstance(sender_organization, PrescriberOrganization) or not (
            PrescriberMembership.objects.active()
            .filter(user=acting_user, organization_id=sender_organization.pk)
            .exists()
        ):
            raise PermissionDenied("Vous n'êtes pas membre de cette organisation prescriptrice.")
        return
    if sender_kind == SenderKind.EMPLOYER:
        if not isinstance(sender_organization, Company) or sender_organization.pk != company.pk:
            raise PermissionDenied("Un employeur ne peut enregistrer une candidature que pour sa propre structure.")
        if not CompanyMembership.objects.active().filter(user=acting_user, company_id=company.pk).exists():
            raise PermissionDenied("Vous n'êtes pas membre de cette structure.")
        return
    raise PermissionDenied("Type d'émetteur inconnu.")


# --------------------------------------------------------------------------------------
# What can be applied for
# --------------------------------------------------------------------------------------


def open_job_descriptions(company):
    return (
        JobDescription.objects.open()
        .filter(company=company)
        .select_related("appellation", "location")
        .order_by("ui_rank", "pk")
    )


def company_receives_applications(company) -> bool:
    """An OPCS carries social clauses for others: it has no hiring flow (DOMAIN.md)."""
    return company.kind != CompanyKind.OPCS


def company_accepts_applications(company) -> bool:
    """True when there is something to apply for: an open job description or spontaneous applications."""
    return company_receives_applications(company) and (
        company.spontaneous_applications_open or JobDescription.objects.open().filter(company=company).exists()
    )


def check_selection(*, company, job_ids, job_descriptions=None) -> list:
    """The chosen job descriptions, all still open at `company`, or SelectionNoLongerOpen.

    No job description means a spontaneous application, which the company must accept.
    """
    job_ids = sorted(set(job_ids))
    if job_descriptions is None:
        job_descriptions = list(JobDescription.objects.filter(company=company, pk__in=job_ids))
    found = {job.pk: job for job in job_descriptions}
    closed = [job for job in job_descriptions if not job.is_open]
    if len(found) != len(job_ids) or closed:
        names = ", ".join(f"« {job.display_name} »" for job in closed)
        raise SelectionNoLongerOpen(
            (
                f"Le recrutement est maintenant fermé pour {names}."
                if names
                else "Une fiche de poste choisie n'existe plus."
            )
            + " Choisissez à nouveau parmi les fiches de poste ouvertes."
        )
    if not job_ids and not company.spontaneous_applications_open:
        raise SelectionNoLongerOpen(
            "Cette structure ne reçoit plus de candidatures spontanées : choisissez une fiche de poste ouverte."
        )
    return [found[pk] for pk in job_ids]


def _french_datetime(value: datetime.datetime) -> str:
    local = timezone.localtime(value)
    day = "1er" if local.day == 1 else str(local.day)
    return f"{day} {date_format(local, 'F Y')} à {local:%H} h {local:%M}"


def check_delay_since_last_application(*, job_seeker, company, for_self: bool, now=None) -> None:
    """ApplicationTooSoon when the job seeker applied to `company` less than 24 hours ago (any sender)."""
    now = now or timezone.now()
    previous = (
        JobApplication.objects.filter(
            job_seeker=job_seeker,
            to_company=company,
            created_at__gt=now - MIN_DELAY_BETWEEN_APPLICATIONS_TO_SAME_COMPANY,
        )
        .order_by("-created_at")
        .only("created_at")
        .first()
    )
    if previous is None:
        return
    who = "Vous avez" if for_self else f"{job_seeker.get_full_name()} a"
    hours = int(MIN_DELAY_BETWEEN_APPLICATIONS_TO_SAME_COMPANY.total_seconds() // 3600)
    raise ApplicationTooSoon(
        f"{who} déjà postulé auprès de {company.display_name} le {_french_datetime(previous.created_at)}. "
        f"Une même personne ne peut postuler qu'une fois par {hours} heures auprès d'une structure : "
        "une nouvelle candidature sera possible à partir du "
        f"{_french_datetime(previous.created_at + MIN_DELAY_BETWEEN_APPLICATIONS_TO_SAME_COMPANY)}."
    )


# --------------------------------------------------------------------------------------
# Finding the job seeker: NIR first, then email, then name + birthdate
# --------------------------------------------------------------------------------------


class MatchedBy:
    NIR = "nir"
    EMAIL = "email"
    NAME_AND_BIRTHDATE = "name_birthdate"


@dataclasses.dataclass(frozen=True)
class LookupResult:
    job_seeker: User | None = None
    matched_by: str = ""
    # Set when the search cannot go on as is (an email of a professional, several homonyms…).
    problem: str = ""


def _same_name(user, first_name: str, last_name: str) -> bool:
    return normalize(user.first_name) == normalize(first_name) and normalize(user.last_name) == normalize(last_name)


def job_seeker_identity_matches(user, *, first_name: str, last_name: str, birthdate: datetime.date | None) -> bool:
    """Does the professional know this person: their first and last names (without accents or
    case) and their birth date, as on the account? Until then a lookup by NIR or email only
    says "found", never who (docs/securite.md)."""
    if not (first_name and last_name and birthdate) or not _same_name(user, first_name, last_name):
        return False
    profile = getattr(user, "jobseeker_profile", None)
    return profile is not None and profile.birthdate == birthdate


def job_seeker_lookup(
    *,
    nir: str = "",
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    birthdate: datetime.date | None = None,
    exclude_ids=(),
) -> LookupResult:
    """Find the one account of a person, in this order (DOMAIN.md, Actors):

    1. the NIR, unique and stable for life;
    2. the email, unique, but a person may have several and change them;
    3. the first and last names with the birthdate, which homonyms share: only proposed
       when exactly one account matches and its NIR does not contradict the one typed.

    `nir` must already be clean (itou.users.validators.clean_nir). `exclude_ids` are
    accounts the professional said were not the person (homonyms).
    """
    if nir:
        profile = JobSeekerProfile.objects.select_related("user").filter(nir=nir).first()
        if profile is not None:
            return LookupResult(profile.user, MatchedBy.NIR)
    if email:
        # Only job seekers: a professional's address answers exactly like an unknown one
        # (no way to learn who works where); creating the account then fails with a generic
        # message (itou.users.services.EMAIL_UNUSABLE).
        user = (
            User.objects.select_related("jobseeker_profile")
            .filter(email__iexact=email.strip(), kind=UserKind.JOB_SEEKER)
            .first()
        )
        if user is not None:
            profile_nir = getattr(getattr(user, "jobseeker_profile", None), "nir", "")
            if nir and profile_nir and profile_nir != nir:
                return LookupResult(
                    problem="Un compte candidat existe avec cette adresse e-mail, mais avec un autre numéro de "
                    "sécurité sociale. Vérifiez le numéro et l'adresse e-mail."
                )
            return LookupResult(user, MatchedBy.EMAIL)
    if first_name and last_name and birthdate:
        # The birthdate narrows to a few dozen profiles; names are compared without accents or case.
        candidates = [
            profile.user
            for profile in JobSeekerProfile.objects.select_related("user")
            .filter(birthdate=birthdate, user__kind=UserKind.JOB_SEEKER)
            .exclude(user_id__in=list(exclude_ids))
            if _same_name(profile.user, first_name, last_name) and not (nir and profile.nir and profile.nir != nir)
        ]
        if len(candidates) == 1:
            return LookupResult(candidates[0], MatchedBy.NAME_AND_BIRTHDATE)
        if len(candidates) > 1:
            return LookupResult(
                problem="Plusieurs candidats portent ce nom et sont nés ce jour-là : indiquez le numéro de "
                "sécurité sociale ou l'adresse e-mail de la personne pour la retrouver."
            )
    return LookupResult()


# --------------------------------------------------------------------------------------
# CV: a real PDF, checked by its content, not by its name
# --------------------------------------------------------------------------------------

_PDF_HEADER = re.compile(rb"^%PDF-[12]\.\d")
_PDF_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF")

NOT_A_PDF_MESSAGE = (
    "Ce fichier n'est pas un PDF. Enregistrez votre CV au format PDF (« Exporter en PDF » ou "
    "« Imprimer en PDF » dans votre traitement de texte), puis joignez-le."
)
DAMAGED_PDF_MESSAGE = (
    "Ce PDF semble abîmé ou incomplet : ouvrez-le pour vérifier, enregistrez-le à nouveau en PDF, puis joignez-le."
)


def resume_size_message(size: int | None = None) -> str:
    limit = f"{RESUME_MAX_SIZE // (1024 * 1024)} Mo"
    if size:
        weight = f"{size / (1024 * 1024):.1f}".replace(".", ",")
        return f"Ce fichier pèse {weight} Mo : le CV ne doit pas dépasser {limit}."
    return f"Ce fichier est trop lourd : le CV ne doit pas dépasser {limit}."


def resume_check(file) -> None:
    """ValidationError (in French) unless `file` is a PDF of at most RESUME_MAX_SIZE bytes.

    The name and the announced content type are ignored: the content must start with
    "%PDF-", and the structure a reader needs must be there (objects, a cross-reference
    position, the end-of-file marker), so that a renamed image or a truncated upload is
    refused here rather than by the employer's PDF reader.
    """
    size = getattr(file, "size", None)
    if size is not None and size > RESUME_MAX_SIZE:
        raise ValidationError(resume_size_message(size), code="too_big")
    file.seek(0)
    data = file.read(RESUME_MAX_SIZE + 1)
    file.seek(0)
    if len(data) > RESUME_MAX_SIZE:
        raise ValidationError(resume_size_message(), code="too_big")
    if not data:
        raise ValidationError("Ce fichier est vide : joignez votre CV au format PDF.", code="empty")
    if not _PDF_HEADER.match(data):
        raise ValidationError(NOT_A_PDF_MESSAGE, code="not_pdf")
    tail = data[-2048:]
    startxref = _PDF_STARTXREF.search(tail)
    if (
        not _PDF_OBJECT.search(data)
        or b"/Root" not in data
        or startxref is None
        or int(startxref.group(1)) >= len(data)
    ):
        raise ValidationError(DAMAGED_PDF_MESSAGE, code="damaged_pdf")
    try:
        pdf_active_content_check(data)
    except ActivePDFContent as error:
        raise ValidationError(error.message, code="active_content")


def resume_draft_name(flow_id: str) -> str:
    """The temporary name of the CV of an application being written (private storage)."""
    return f"{RESUME_DRAFT_DIR}/{flow_id}.pdf"


def resume_draft_store(*, flow_id: str, file) -> str:
    """Check `file` and keep it in private storage under the flow's temporary name; return that name."""
    resume_check(file)
    name = resume_draft_name(flow_id)
    file.seek(0)
    with store_errors():
        default_storage.delete(name)
        return default_storage.save(name, file)


def resume_draft_delete(name: str) -> None:
    if name and name.startswith(f"{RESUME_DRAFT_DIR}/"):
        default_storage.delete(name)


def resume_drafts_cleanup(*, older_than: datetime.timedelta) -> int:
    """Delete the CVs of journeys abandoned for longer than `older_than`; return how many."""
    try:
        _dirs, files = default_storage.listdir(RESUME_DRAFT_DIR)
    except FileNotFoundError:
        return 0
    limit = timezone.now() - older_than
    deleted = 0
    for filename in files:
        name = f"{RESUME_DRAFT_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(name) < limit:
                default_storage.delete(name)
                deleted += 1
        except FileNotFoundError:
            continue
    return deleted


# --------------------------------------------------------------------------------------
# The creation service
# --------------------------------------------------------------------------------------


def _notify_created(job_application) -> None:
    notifications.job_application_notify_created(job_application)


def sender_makes_diagnosis(*, sender_kind: str, sender_organization, company) -> bool:
    """Whether the sender attaches an eligibility diagnosis to the application: an
    authorized prescriber applying to an SIAE or a GEIQ."""
    from itou.companies.enums import SIAE_KINDS

    return (
        sender_kind == SenderKind.PRESCRIBER
        and isinstance(sender_organization, PrescriberOrganization)
        and sender_organization.is_authorized
        and (company.kind in SIAE_KINDS or company.kind == CompanyKind.GEIQ)
    )


def _sender_diagnosis(*, acting_user, job_seeker, company, sender_kind, sender_organization, criteria) -> dict:
    """The diagnosis fields of the application to create (see `job_application_create`)."""
    from itou.eligibility import services as eligibility_services
    from itou.eligibility.queries import get_valid_diagnosis, get_valid_geiq_diagnosis

    if not sender_makes_diagnosis(sender_kind=sender_kind, sender_organization=sender_organization, company=company):
        if criteria is not None:
            raise PermissionDenied("Seul un prescripteur habilité joint un diagnostic d'éligibilité à sa candidature.")
        return {}
    geiq = company.kind == CompanyKind.GEIQ
    field = "geiq_eligibility_diagnosis" if geiq else "eligibility_diagnosis"
    if criteria is not None:
        create = (
            eligibility_services.geiq_eligibility_diagnosis_create
            if geiq
            else eligibility_services.eligibility_diagnosis_create
        )
        diagnosis = create(
            acting_user=acting_user, job_seeker=job_seeker, author_organization=sender_organization, criteria=criteria
        )
    elif geiq:
        diagnosis = get_valid_geiq_diagnosis(job_seeker=job_seeker)
    else:
        diagnosis = get_valid_diagnosis(job_seeker=job_seeker)
    if diagnosis is None or not diagnosis.is_by_prescriber:
        return {}
    return {field: diagnosis}


@transaction.atomic
def job_application_create(
    *,
    acting_user: User,
    job_seeker: User,
    company: Company,
    selected_jobs,
    message: str,
    resume_file,
    sender_kind: str,
    sender_organization,
    diagnosis_criteria=None,
) -> JobApplication:
    """Send an application of `job_seeker` to `company`, as `acting_user`, with the
    sender's eligibility diagnosis: ONE transaction, so that if any part fails nothing is
    created (no application, no diagnosis, no account) and no email is queued.

    Checks, in one transaction, rows locked: the sender's right to act (a job seeker for
    themself, a prescriber for an organization they belong to, an employer for its own
    company); the company is active (CompanyNotOpen); the job descriptions are still open
    and spontaneous applications still accepted when none is chosen
    (SelectionNoLongerOpen); no application of this job seeker to this company in the
    last 24 hours (ApplicationTooSoon); the CV, required by a chosen job description
    (ResumeRequired), is a PDF of at most RESUME_MAX_SIZE (ValidationError).
    Creates the application (state NEW) and its "create" log row, then notifies on commit.
    `resume_file` is a File (or None); it is copied to the application's own name.

    An authorized prescriber's application to an SIAE (or a GEIQ) carries an IAE (or GEIQ)
    diagnosis, so that the employer sees it: `diagnosis_criteria` (a list of criteria,
    possibly empty), ticked in the apply flow's diagnosis step, makes a new one by the
    sender's organization (renewing the previous one, itou.eligibility.services); None
    attaches the job seeker's valid prescriber diagnosis, if any. A diagnosis rule error
    raises ValidationError keyed `administrative_criteria`.
    """
    _check_sender(
        acting_user=acting_user,
        job_seeker=job_seeker,
        company=company,
        sender_kind=sender_kind,
        sender_organization=sender_organization,
    )
    # Locks: the job seeker serializes their applications (the 24-hour rule cannot race);
    # the company and its job descriptions cannot close while we read them.
    locked_company = Company.objects.active().select_for_update(no_key=True).filter(pk=company.pk).first()
    if locked_company is None or not company_receives_applications(locked_company):
        raise CompanyNotOpen("Cette structure ne reçoit pas de candidatures.")
    locked_job_seeker = User.objects.select_for_update(no_key=True).filter(pk=job_seeker.pk).first()
    if locked_job_seeker is None or locked_job_seeker.kind != UserKind.JOB_SEEKER:
        raise PermissionDenied("Ce compte n'est pas celui d'un candidat.")
    if not locked_job_seeker.is_active:
        raise ApplyError("Le compte de ce candidat est désactivé : contactez le support.", step="person")

    job_ids = [job.pk for job in selected_jobs]
    jobs = check_selection(
        company=locked_company,
        job_ids=job_ids,
        job_descriptions=list(
            JobDescription.objects.select_for_update(no_key=True)
            .select_related("appellation")
            .filter(company=locked_company, pk__in=job_ids)
        ),
    )
    check_delay_since_last_application(
        job_seeker=locked_job_seeker, company=locked_company, for_self=sender_kind == SenderKind.JOB_SEEKER
    )
    if resume_file is not None:
        resume_check(resume_file)
    else:
        cv_required = [job for job in jobs if job.is_cv_required]
        if cv_required:
            names = ", ".join(f"« {job.display_name} »" for job in cv_required)
            raise ResumeRequired(f"Un CV est demandé pour {names} : joignez-le au format PDF.")

    diagnosis_fields = _sender_diagnosis(
        acting_user=acting_user,
        job_seeker=locked_job_seeker,
        company=locked_company,
        sender_kind=sender_kind,
        sender_organization=sender_organization,
        criteria=diagnosis_criteria,
    )
    job_application = JobApplication.objects.create(
        **diagnosis_fields,
        job_seeker=locked_job_seeker,
        to_company=locked_company,
        sender=acting_user,
        sender_kind=sender_kind,
        sender_prescriber_organization=sender_organization if sender_kind == SenderKind.PRESCRIBER else None,
        sender_company=sender_organization if sender_kind == SenderKind.EMPLOYER else None,
        message=(message or "").strip(),
        state=JobApplicationState.NEW,
    )
    if jobs:
        job_application.selected_jobs.set(jobs)
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition=CREATE_TRANSITION,
        from_state=JobApplicationState.NEW,
        to_state=JobApplicationState.NEW,
        user=acting_user,
        details={"sender_kind": sender_kind},
    )
    if resume_file is not None:
        # Last write of the transaction: if it fails, no copy is left behind.
        with storing(job_application.resume, "cv.pdf", resume_file):
            job_application.save(update_fields=["resume"])
    # robust: the application is saved whatever happens to its emails (they are retried by the queue).
    transaction.on_commit(lambda: _notify_created(job_application), robust=True)
    return job_application


@transaction.atomic
def job_application_create_for_new_job_seeker(
    *, acting_user: User, job_seeker_fields: dict, sender_organization, **application
) -> JobApplication:
    """Create the job seeker's account (itou.users.services.job_seeker_create_by_professional)
    and send their first application, together or not at all: an application refused at
    the last moment leaves no account behind, and no invitation email goes out."""
    from itou.users.services import job_seeker_create_by_professional

    job_seeker = job_seeker_create_by_professional(
        acting_user=acting_user, organization=sender_organization, **job_seeker_fields
    )
    return job_application_create(
        acting_user=acting_user, job_seeker=job_seeker, sender_organization=sender_organization, **application
    )
