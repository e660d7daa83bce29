"""Employee records of the demo ACI ("Les Jardins du Rhône"), one per situation.

`load_demo_employee_records()` runs at the end of `itou.demo.world.load_demo`, after the
PASS IAE. The hires with a PASS IAE of the demo SIAE (the ACI's first, most recent
first) get: no record yet ("à créer", for testers to fill the form), a REJECTED record
(3417, residence commune unknown), then PROCESSED, READY, NEW, DISABLED records. The
records are prefilled like the form does. Idempotent: nothing when the ACI has records.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from itou.asp import refs
from itou.asp.models import Country
from itou.companies.models import Company
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord, EmployeeRecordTransitionLog
from itou.employee_records.services import _prefill, asp_company, has_convention, hires_without_record

DEMO_ACI_SIREN_BASE = "81245730"
# The status given to each hire, the demo ACI's first (most recent first); None: no record ("à créer").
STATUSES = (None, Status.REJECTED, Status.PROCESSED, Status.READY, Status.NEW, Status.DISABLED, Status.PROCESSED)


def _complete(record, company, index) -> None:
    """What the demo profiles do not hold (birth place, address detail), filled plausibly."""
    record.civility = record.civility or ("M" if index % 2 else "MME")
    record.birth_country_id = "100"
    if not record.birth_commune_code:
        record.birth_commune_code, record.birth_commune_name = "69123", "LYON"
    if not record.nir:
        record.ntt = ("1" if record.civility == "M" else "2") + company.siren + f"DEMO{index}"
    record.lane_number = record.lane_number or str(10 + index)
    record.lane_type = record.lane_type if record.lane_type not in ("", "LD") else "RUE"
    record.lane_name = record.lane_name or "Paul Bert"
    record.commune_code, record.commune_name, record.post_code = "69259", "VENISSIEUX", "69200"
    record.education_level = record.education_level or "50"
    record.unemployed_since = "03"
    if record.france_travail_id:
        record.france_travail_since = "02"


@transaction.atomic
def load_demo_employee_records() -> int:
    """Returns how many records it created (0 when already there)."""
    aci = Company.objects.filter(kind="ACI", siret__startswith=DEMO_ACI_SIREN_BASE).first()
    if aci is None or EmployeeRecord.objects.filter(company=aci).exists():
        return 0
    Country.objects.get_or_create(code="100", defaults={"name": "FRANCE", "group": "1", "department_code": "099"})
    others = Company.objects.filter(kind__in=refs.MEASURE_BY_KIND, memberships__isnull=False).exclude(pk=aci.pk)
    hires = []
    for company in [aci, *others.distinct().order_by("pk")]:
        if has_convention(company):
            hires += list(
                hires_without_record(company).select_related(
                    "company__parent", "job_application__job_seeker__jobseeker_profile__commune"
                )
            )
    created = 0
    for index, (hire, status) in enumerate(zip(hires, STATUSES, strict=False)):
        if status is None:
            continue
        company = hire.company
        membership = company.memberships.filter(is_active=True).order_by("-is_admin", "pk").first()
        employer = membership.user if membership else None
        record = EmployeeRecord(
            company=company,
            job_application=hire.job_application,
            approval=hire.approval,
            approval_number=hire.approval.number,
            asp_siret=asp_company(company).siret,
            asp_measure=refs.MEASURE_BY_KIND[company.kind],
            status=status,
            created_by=employer,
        )
        _prefill(record, hire.job_application)
        _complete(record, company, index)
        if record.is_eiti:
            record.business_creator_name, record.mean_monthly_income = "Couveuse Rhône Entreprendre", 850
        if status == Status.NEW:
            record.education_level = ""
        elif status == Status.REJECTED:
            record.asp_code, record.asp_label = "3417", "Commune de résidence inconnue de l'Extranet IAE 2.0"
        elif status == Status.PROCESSED:
            record.asp_code, record.processed_at = "0000", timezone.now() - datetime.timedelta(days=3)
            record.asp_label = "La ligne de la fiche salarié a été enregistrée avec succès."
        record.save()
        if status != Status.NEW:
            EmployeeRecordTransitionLog.objects.create(
                employee_record=record, transition="demo", from_status=Status.NEW, to_status=status, user=employer
            )
        created += 1
    return created
