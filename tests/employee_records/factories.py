"""Employee records for tests.

`complete_record()` is a NEW record with every field the ASP needs, on a hire with a PASS
of an ACI with a convention; `asp_reference_data()` creates the few ASP rows it points at.
"""

import datetime

from django.utils import timezone

from itou.asp import refs
from itou.asp.models import AspCommune, Country
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord
from itou.employee_records.services import asp_company
from tests.approvals.factories import ApprovalFactory, hire
from tests.companies.factories import CompanyFactory


def asp_reference_data():
    Country.objects.get_or_create(code="100", defaults={"name": "FRANCE", "group": "1", "department_code": "099"})
    Country.objects.get_or_create(code="102", defaults={"name": "ISLANDE", "group": "3", "department_code": "099"})
    Country.objects.get_or_create(code="818", defaults={"name": "NOUMEA", "group": "1", "department_code": "098"})
    for code, name, start, end in [
        ("67482", "STRASBOURG", datetime.date(1900, 1, 1), None),
        ("69387", "LYON 7E ARRONDISSEMENT", datetime.date(1900, 1, 1), None),
        ("98818", "NOUMEA", datetime.date(1900, 1, 1), None),
        ("01004", "AMBERIEU-EN-BUGEY", datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)),
    ]:
        AspCommune.objects.get_or_create(code=code, start_date=start, defaults={"name": name, "end_date": end})


def hire_with_pass(company=None, *, start_at=None, **company_kwargs):
    company = company or CompanyFactory(with_member=True, **company_kwargs)
    approval = ApprovalFactory(start_at=start_at or timezone.localdate() - datetime.timedelta(days=10))
    return hire(approval, company)


def complete_record(company=None, *, status=Status.NEW, approval_hire=None, **fields) -> EmployeeRecord:
    asp_reference_data()
    approval_hire = approval_hire or hire_with_pass(company)
    company = approval_hire.company
    job_seeker = approval_hire.approval.job_seeker
    values = {
        "civility": "MME",
        "last_name": job_seeker.last_name,
        "first_name": job_seeker.first_name,
        "birthdate": datetime.date(1990, 2, 1),
        "birth_country_id": "100",
        "birth_commune_code": "67482",
        "birth_commune_name": "STRASBOURG",
        "nir": "290026748212382",
        "lane_number": "3",
        "lane_extension": "B",
        "lane_type": "RUE",
        "lane_name": "du Moulin",
        "post_code": "67000",
        "commune_code": "67482",
        "commune_name": "STRASBOURG",
        "education_level": "40",
        "unemployed_since": "02",
    }
    values.update(fields)
    return EmployeeRecord.objects.create(
        company=company,
        job_application=approval_hire.job_application,
        approval=approval_hire.approval,
        approval_number=approval_hire.approval.number,
        asp_siret=asp_company(company).siret,
        asp_measure=refs.MEASURE_BY_KIND[company.kind],
        status=status,
        **values,
    )


def member_of(company):
    return company.memberships.order_by("pk").first().user


def bulk_records(n: int, *, company=None, status=Status.READY) -> list[EmployeeRecord]:
    """`n` complete records of one company in a few bulk queries (batch-size tests)."""
    from itou.approvals import rules
    from itou.approvals.models import Approval, ApprovalHire
    from itou.job_applications.models import JobApplication
    from itou.users.models import User

    asp_reference_data()
    company = company or CompanyFactory(with_member=True)
    today = timezone.localdate()
    users = User.objects.bulk_create(
        [User(kind="job_seeker", first_name=f"Prénom{i}", last_name=f"Nom{i}") for i in range(n)]
    )
    approvals = Approval.objects.bulk_create(
        [
            Approval(number=next_number(), job_seeker=user, start_at=today, end_at=rules.approval_end_for_start(today))
            for user in users
        ]
    )
    applications = JobApplication.objects.bulk_create(
        [
            JobApplication(
                job_seeker=user, to_company=company, sender_kind="job_seeker", state="accepted", hiring_start_at=today
            )
            for user in users
        ]
    )
    ApprovalHire.objects.bulk_create(
        [
            ApprovalHire(approval=a, job_application=j, company=company, hiring_start_at=today)
            for a, j in zip(approvals, applications, strict=True)
        ]
    )
    now = timezone.now()
    return EmployeeRecord.objects.bulk_create(
        [
            EmployeeRecord(
                company=company,
                job_application=j,
                approval=a,
                approval_number=a.number,
                asp_siret=asp_company(company).siret,
                asp_measure=refs.MEASURE_BY_KIND[company.kind],
                status=status,
                civility="M",
                last_name=f"Nom{i}",
                first_name=f"Prénom{i}",
                birthdate=datetime.date(1985, 1, 1),
                birth_country_id="102",
                ntt="1" + company.siren + f"X{i}",
                lane_number=str(i + 1),
                lane_type="AV",
                lane_name="de la République",
                post_code="69007",
                commune_code="69387",
                education_level="50",
                created_at=now,
                updated_at=now + datetime.timedelta(microseconds=i),
            )
            for i, (a, j) in enumerate(zip(approvals, applications, strict=True))
        ]
    )


def next_number():
    from itou.approvals.models import next_approval_number

    return next_approval_number()
