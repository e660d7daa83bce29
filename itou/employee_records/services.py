"""Every change to an employee record (ASP.md §1–3, §7–8).

Keyword-only arguments, the acting user first, rights checked inside, one transaction;
statuses change only through `workflow.fire_record`. Rule violations raise
ValidationError (French message), nothing changed.
"""

import datetime
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from itou.asp import refs
from itou.companies.enums import CompanyKind, CompanySource
from itou.eligibility.queries import get_valid_diagnosis
from itou.employee_records import workflow
from itou.employee_records.enums import NotificationStatus, Status
from itou.employee_records.models import EDITABLE_STATUSES, EmployeeRecord, UpdateNotification
from itou.utils.state_machine import TransitionNotAllowed

EMPLOYEE_RECORD_KINDS = frozenset(refs.MEASURE_BY_KIND)
START_OF_OBLIGATION = datetime.date(2021, 9, 27)
EITI_START_OF_OBLIGATION = datetime.date(2024, 3, 25)
# The list warns about hires of the last 4 months still without a record.
RECENT_HIRE_WINDOW = datetime.timedelta(days=122)

NO_CONVENTION_MESSAGE = "La structure actuelle ne dispose d'aucune convention."
NO_APPROVAL_MESSAGE = "L'embauche n'est pas reliée à un PASS IAE."
DUPLICATE_MESSAGE = "Une fiche salarié pour ce PASS IAE et cette SIAE existe déjà"
READ_ONLY_MESSAGE = "Cette fiche salarié est en cours de transmission à l'ASP : elle ne peut pas être modifiée."
CANCELLED_PASS_MESSAGE = "Le PASS IAE de cette embauche a été retiré : la fiche salarié a été désactivée."


def asp_company(company):
    """The company of the convention (an antenna sends its parent's SIRET)."""
    return company.parent if company.parent_id else company


def has_convention(company) -> bool:
    source = asp_company(company)
    return company.kind in EMPLOYEE_RECORD_KINDS and (
        source.source == CompanySource.ASP or source.convention_start_date is not None
    )


def obligation_start(company) -> datetime.date:
    return EITI_START_OF_OBLIGATION if company.kind == CompanyKind.EITI else START_OF_OBLIGATION


def _check_company(acting_user, company) -> None:
    from itou.companies.perms import is_company_member

    if not is_company_member(acting_user, company):
        raise PermissionDenied
    if not has_convention(company):
        raise ValidationError(NO_CONVENTION_MESSAGE)


def hires_without_record(company):
    """Hires of `company` that owe a record and have none (the PASS is not already
    declared by a company of the same convention)."""
    from itou.approvals.models import ApprovalHire

    convention_siret = asp_company(company).siret
    declared = EmployeeRecord.objects.filter(
        asp_siret=convention_siret, asp_measure=refs.MEASURE_BY_KIND.get(company.kind, "")
    ).values("approval_number")
    return (
        ApprovalHire.objects.filter(
            company=company,
            cancelled_at__isnull=True,
            approval__cancelled_at__isnull=True,
            job_application__state="accepted",
            hiring_start_at__gte=obligation_start(company),
        )
        .exclude(approval__number__in=declared)
        .select_related("approval", "job_application__job_seeker")
        .order_by("-hiring_start_at", "-pk")
    )


# Diagnosis criterion → record field prefilled (the employer checks them at step 3).
CRITERIA_PREFILL = {
    "ASS": "ass",
    "AAH": "aah",
    "TH": "rqth",
    "ASE": "left_ase",
    "PI": "isolated_parent",
    "PSH_PR": "housing_issue",
    "REF_DA": "refugee",
    "DETENTION_MJ": "left_prison",
    "FLE": "low_french",
    "PM": "mobility_issue",
}

LANE_RE = re.compile(r"^\s*(?P<number>\d{1,5})\s*(?P<ext>bis|ter|quater|quinquies|[btqc])?\b[\s,]*(?P<rest>.*)$", re.I)
EXTENSION_WORDS = {"bis": "B", "ter": "T", "quater": "Q", "quinquies": "C", "b": "B", "t": "T", "q": "Q", "c": "C"}


def parse_address_line(line: str) -> dict:
    """ "3 bis rue du Moulin" → number 3, extension B, type RUE, name "DU MOULIN"."""
    result = {"lane_number": "", "lane_extension": "", "lane_type": "", "lane_name": ""}
    line = (line or "").strip()
    if not line:
        return result
    rest = line
    if match := LANE_RE.match(line):
        result["lane_number"] = match["number"]
        result["lane_extension"] = EXTENSION_WORDS.get((match["ext"] or "").lower(), "")
        rest = match["rest"]
    words = rest.split()
    if words:
        first = words[0].lower().rstrip(".")
        street_types = refs.street_types()
        code = refs.STREET_TYPE_ALIASES.get(first) or (first.upper() if first.upper() in street_types else "")
        if code:
            result["lane_type"] = code
            rest = " ".join(words[1:])
        else:
            result["lane_type"] = "LD"
    result["lane_name"] = rest.strip()[:120]
    return result


def _prefill(record, job_application) -> None:
    job_seeker = job_application.job_seeker
    record.last_name = job_seeker.last_name
    record.first_name = job_seeker.first_name
    profile = getattr(job_seeker, "jobseeker_profile", None)
    if profile:
        record.birthdate = profile.birthdate
        record.nir = profile.nir
        if profile.nir:
            record.civility = "M" if profile.nir[0] == "1" else "MME" if profile.nir[0] == "2" else ""
        record.education_level = profile.education_level
        record.france_travail_id = profile.france_travail_id
        if profile.commune_id:
            record.commune_code = profile.commune_id
            record.commune_name = profile.commune.name
            if len(profile.commune.postal_codes) == 1:
                record.post_code = profile.commune.postal_codes[0]
        for field, value in parse_address_line(profile.address_line).items():
            setattr(record, field, value)
    if profile and profile.nir and profile.nir[0] in "12" and profile.nir[5:7].isdigit():
        code = profile.nir[5:10]
        if code[:2] != "99":
            from itou.asp.models import AspCommune

            birth = profile.birthdate
            communes = AspCommune.objects.filter(code=code)
            if birth:
                communes = communes.valid_on(birth)
            if commune := communes.order_by("-start_date").first():
                record.birth_country_id = "100"
                record.birth_commune_code = commune.code
                record.birth_commune_name = commune.name
    # The diagnosis the hire relied on (linked at acceptance), else the one in force now.
    diagnosis = job_application.eligibility_diagnosis or get_valid_diagnosis(
        job_seeker=job_application.job_seeker, for_company=job_application.to_company
    )
    if diagnosis is not None:
        kinds = {criterion.kind for criterion in diagnosis.administrative_criteria.all()}
        if "RSA" in kinds:
            record.rsa = "OUI-NM"
        for kind, field in CRITERIA_PREFILL.items():
            if kind in kinds:
                setattr(record, field, True)


def _refresh_asp_identity(record) -> None:
    record.asp_siret = asp_company(record.company).siret
    record.asp_measure = refs.MEASURE_BY_KIND[record.company.kind]
    record.approval_number = record.approval.number


@transaction.atomic
def employee_record_create(*, acting_user, company, hire) -> EmployeeRecord:
    """A NEW record for a hire of `company`, prefilled from what the platform knows."""
    _check_company(acting_user, company)
    if hire.company_id != company.pk:
        raise PermissionDenied
    if hire.approval is None or hire.approval.cancelled_at:
        raise ValidationError(NO_APPROVAL_MESSAGE)
    record = EmployeeRecord(
        company=company, job_application=hire.job_application, approval=hire.approval, created_by=acting_user
    )
    _refresh_asp_identity(record)
    if EmployeeRecord.objects.filter(
        asp_measure=record.asp_measure, asp_siret=record.asp_siret, approval_number=record.approval_number
    ).exists():
        raise ValidationError(DUPLICATE_MESSAGE)
    _prefill(record, hire.job_application)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        raise ValidationError(DUPLICATE_MESSAGE) from error
    return record


def _lock(record) -> EmployeeRecord:
    return (
        EmployeeRecord.objects.select_for_update(of=("self",))
        .select_related("company__parent", "approval", "job_application")
        .get(pk=record.pk)
    )


@transaction.atomic
def employee_record_update(*, acting_user, company, record, data: dict) -> EmployeeRecord:
    """Save one step of the form (fields already validated by the form)."""
    _check_company(acting_user, company)
    record = _lock(record)
    if record.company_id != company.pk:
        raise PermissionDenied
    if record.status not in EDITABLE_STATUSES:
        raise ValidationError(READ_ONLY_MESSAGE)
    for field, value in data.items():
        setattr(record, field, value)
    record.save()
    return record


def _fire(record, name, **kwargs):
    try:
        return workflow.fire_record(record, name, **kwargs)
    except TransitionNotAllowed as error:
        raise ValidationError(error.message) from error


@transaction.atomic
def employee_record_ready(*, acting_user, company, record) -> EmployeeRecord:
    """Step 5 "Valider": READY, with the current SIRET, measure and PASS number."""
    _check_company(acting_user, company)
    record = _lock(record)
    if record.company_id != company.pk:
        raise PermissionDenied
    if record.approval.cancelled_at:
        raise ValidationError(CANCELLED_PASS_MESSAGE)
    _refresh_asp_identity(record)
    record.status_message = ""
    _fire(record, "ready", user=acting_user)
    return record


@transaction.atomic
def employee_record_disable(*, acting_user, company, record) -> EmployeeRecord:
    _check_company(acting_user, company)
    record = _lock(record)
    if record.company_id != company.pk:
        raise PermissionDenied
    _fire(record, "disable", user=acting_user)
    return record


@transaction.atomic
def employee_record_enable(*, acting_user, company, record) -> EmployeeRecord:
    _check_company(acting_user, company)
    record = _lock(record)
    if record.company_id != company.pk:
        raise PermissionDenied
    if record.approval.cancelled_at:
        raise ValidationError(CANCELLED_PASS_MESSAGE)
    _refresh_asp_identity(record)
    record.status_message = ""
    _fire(record, "enable", user=acting_user)
    return record


# PASS changes (called by itou/approvals/services.py inside its transaction)

NOTIFIED_STATUSES = (Status.PROCESSED, Status.SENT, Status.DISABLED)


def notify_approval_dates_changed(approval) -> int:
    """A PASS's dates changed: one NEW update notification per record known to the ASP
    (an existing NEW one is only refreshed). Returns the number of records notified."""
    now = timezone.now()
    count = 0
    for record_id in EmployeeRecord.objects.filter(
        approval_number=approval.number, status__in=NOTIFIED_STATUSES
    ).values_list("pk", flat=True):
        updated = UpdateNotification.objects.filter(employee_record_id=record_id, status=NotificationStatus.NEW).update(
            updated_at=now
        )
        if not updated:
            UpdateNotification.objects.create(employee_record_id=record_id, created_at=now, updated_at=now)
        count += 1
    return count


def disable_for_cancelled_approval(approval) -> int:
    """The PASS was withdrawn: its records not yet final are disabled, with a message."""
    count = 0
    for record in EmployeeRecord.objects.select_for_update().filter(
        approval=approval, status__in=workflow.RECORD_MACHINE.transitions["disable_cancelled_pass"].sources
    ):
        record.status_message = CANCELLED_PASS_MESSAGE
        workflow.fire_record(record, "disable_cancelled_pass")
        count += 1
    return count


TO_CREATE_KEY = "__to_create__"


def counters(company) -> dict:
    """Dashboard and list counters: records by status, plus hires without a record."""
    # One query: the records by status, and (UNION ALL) the hires still without a record.
    to_create = (
        hires_without_record(company)
        .order_by()
        .annotate(status=models.Value(TO_CREATE_KEY, output_field=models.CharField()))
        .values("status")
        .annotate(total=models.Count("pk"))
    )
    rows = (
        EmployeeRecord.objects.for_company(company)
        .order_by()
        .values("status")
        .annotate(total=models.Count("pk"))
        .union(to_create, all=True)
    )
    by_status = {row["status"]: row["total"] for row in rows}
    to_create_count = by_status.pop(TO_CREATE_KEY, 0)
    return {
        "by_status": by_status,
        "to_create": to_create_count,
        "new": by_status.get(Status.NEW, 0),
        "rejected": by_status.get(Status.REJECTED, 0),
    }


@transaction.atomic
def batch_resend(*, acting_user, batch) -> int:
    """Staff: the records of a batch that the ASP never integrated (SENT, REJECTED) go back
    to READY for the next upload, with a new file. Returns how many."""
    if not (acting_user is None or acting_user.is_staff):
        raise PermissionDenied
    count = 0
    for record in (
        EmployeeRecord.objects.select_for_update(of=("self",))
        .select_related("company__parent", "approval", "job_application")
        .filter(batch=batch, status__in=(Status.SENT, Status.REJECTED))
    ):
        _refresh_asp_identity(record)
        workflow.fire_record(record, "resend", user=acting_user, batch=batch, line_number=record.line_number)
        count += 1
    return count


@transaction.atomic
def resend_after_siret_change(*, acting_user, company) -> int:
    """Staff (ASP.md §8): PROCESSED records whose SIRET differs from the convention's
    current SIRET go back to READY with the new SIRET."""
    current = asp_company(company).siret
    count = 0
    for record in (
        EmployeeRecord.objects.select_for_update(of=("self",))
        .select_related("company__parent", "approval", "job_application")
        .filter(company=company, status=Status.PROCESSED)
        .exclude(asp_siret=current)
    ):
        _refresh_asp_identity(record)
        workflow.fire_record(record, "resend", user=acting_user)
        count += 1
    return count
