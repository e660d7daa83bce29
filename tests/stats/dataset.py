"""A varied little world for the steering figures: two departments of two regions, employers
of several kinds (one with an antenne), authorized prescribers and orienteurs, applications
of every sender kind and state spread over four months, transitions at various delays,
PASS IAE (prolonged, suspended, ending soon, cancelled) and job descriptions.

Deterministic (fixed seed); `NOW` is the time to freeze with time-machine.
"""

import dataclasses
import datetime
import random

from django.utils import timezone

from itou.approvals import rules
from itou.approvals.models import Approval, ApprovalHire, Prolongation, Suspension
from itou.companies.enums import CompanyKind
from itou.geo.models import Commune, Department, Region
from itou.job_applications.enums import JobApplicationState, RefusalReason, SenderKind
from itou.job_applications.models import JobApplicationTransitionLog
from itou.jobs.models import Appellation, Rome, RomeDomain
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory, make_job_description
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


@dataclasses.dataclass
class World:
    lyon: Commune
    lille: Commune
    companies: list
    aci: object  # an ACI of the Rhône with an antenne
    antenne: object
    prescribers: list
    ft: object  # France Travail agency of the Rhône
    applications: list


def make_world(seed: int = 11, size: int = 120, now: datetime.datetime = NOW) -> World:
    rng = random.Random(seed)
    ara = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})[0]
    hdf = Region.objects.get_or_create(code="32", defaults={"name": "Hauts-de-France"})[0]
    rhone = Department.objects.get_or_create(code="69", defaults={"name": "Rhône", "region": ara})[0]
    nord = Department.objects.get_or_create(code="59", defaults={"name": "Nord", "region": hdf})[0]
    lyon = Commune.objects.get_or_create(
        code="69123", defaults={"name": "Lyon", "department": rhone, "postal_codes": ["69007"]}
    )[0]
    lille = Commune.objects.get_or_create(
        code="59350", defaults={"name": "Lille", "department": nord, "postal_codes": ["59000"]}
    )[0]

    aci = CompanyFactory(kind=CompanyKind.ACI, commune=lyon, with_member=True, name="Jardins de Lyon")
    antenne = CompanyFactory(kind=CompanyKind.ACI, commune=lyon, with_member=True, parent=aci, name="Jardins antenne")
    companies = [
        aci,
        antenne,
        CompanyFactory(kind=CompanyKind.EI, commune=lyon, with_member=True),
        CompanyFactory(kind=CompanyKind.AI, commune=lille, with_member=True),
        CompanyFactory(kind=CompanyKind.GEIQ, commune=lille, with_member=True),
        CompanyFactory(kind=CompanyKind.ETTI, commune=None, with_member=True),  # no department
    ]
    ft = PrescriberOrganizationFactory(authorized=True, with_member=True, commune=lyon)
    prescribers = [
        ft,
        PrescriberOrganizationFactory(kind=PrescriberOrganizationKind.ML, with_member=True, commune=lille),
        PrescriberOrganizationFactory(with_member=True),  # orienteur
        PrescriberOrganizationFactory(
            kind=PrescriberOrganizationKind.CHRS,
            authorization_status=PrescriberAuthorizationStatus.VALIDATED,
            with_member=True,
        ),
    ]
    domain_f, _ = RomeDomain.objects.get_or_create(
        code="F", defaults={"name": "Construction, bâtiment et travaux publics"}
    )
    rome_f, _ = Rome.objects.get_or_create(code="F1703", defaults={"name": "Maçonnerie", "domain": domain_f})
    Appellation.objects.get_or_create(code="12345", defaults={"name": "Maçon / Maçonne", "rome": rome_f})
    jobs = {c.pk: [make_job_description(c)] for c in companies}
    for c in companies[::2]:
        jobs[c.pk].append(make_job_description(c, title="Maçon / Maçonne", code="12345"))

    people = [JobSeekerFactory() for _ in range(size // 3)]
    start = now - datetime.timedelta(days=120)
    applications = []
    for _ in range(size):
        company = rng.choice(companies)
        created = start + datetime.timedelta(minutes=rng.randrange(0, 120 * 24 * 60))
        sender = rng.choice(["job_seeker", "prescriber", "prescriber", "employer"])
        kwargs = {}
        if sender == "prescriber":
            org = rng.choice(prescribers)
            kwargs = {
                "sender_kind": SenderKind.PRESCRIBER,
                "sender_prescriber_organization": org,
                "sender": org.memberships.first().user,
            }
        elif sender == "employer":
            kwargs = {
                "sender_kind": SenderKind.EMPLOYER,
                "sender_company": company,
                "sender": company.memberships.first().user,
            }
        state = rng.choice(
            [
                JobApplicationState.NEW,
                JobApplicationState.PROCESSING,
                JobApplicationState.ACCEPTED,
                JobApplicationState.ACCEPTED,
                JobApplicationState.REFUSED,
                JobApplicationState.REFUSED,
                JobApplicationState.POSTPONED,
                JobApplicationState.CANCELLED,
            ]
        )
        ja = JobApplicationFactory(
            job_seeker=rng.choice(people),
            to_company=company,
            state=state,
            created_at=created,
            refusal_reason=rng.choice(list(RefusalReason.values)) if state == JobApplicationState.REFUSED else "",
            with_eligibility_diagnosis=False,
            selected_jobs=rng.choice([[], jobs[company.pk][:1], jobs[company.pk]]),
            **kwargs,
        )
        # The transitions that led there, at random delays (never after NOW).
        at = created
        path = {
            JobApplicationState.PROCESSING: ["processing"],
            JobApplicationState.POSTPONED: ["processing", "postponed"],
            JobApplicationState.ACCEPTED: ["processing", "accepted"],
            JobApplicationState.REFUSED: ["processing", "refused"],
            JobApplicationState.CANCELLED: ["accepted", "cancelled"],
        }.get(state, [])
        previous = JobApplicationState.NEW
        for target in path:
            at = min(at + datetime.timedelta(hours=rng.randrange(1, 24 * 40)), now)
            JobApplicationTransitionLog.objects.create(
                job_application=ja, transition=target, from_state=previous, to_state=target, timestamp=at
            )
            previous = target
        applications.append(ja)

    # PASS IAE of some hires.
    today = timezone.localdate(now)
    hires = [ja for ja in applications if ja.state == JobApplicationState.ACCEPTED and ja.to_company.is_siae]
    for n, ja in enumerate(hires):
        start_at = today - datetime.timedelta(days=rng.choice([10, 300, 700]))
        approval = Approval.objects.create(
            number=f"XXXXX{n:07d}",
            job_seeker=ja.job_seeker,
            start_at=start_at,
            end_at=rules.approval_end_for_start(start_at),
            created_at=now - datetime.timedelta(days=rng.randrange(0, 100)),
            cancelled_at=now if n % 7 == 6 else None,
        )
        ApprovalHire.objects.create(
            approval=approval, job_application=ja, company=ja.to_company, hiring_start_at=start_at
        )
        if n % 5 == 0:
            Suspension.objects.create(
                approval=approval,
                start_at=today - datetime.timedelta(days=3),
                end_at=today + datetime.timedelta(days=20),
                reason="contract_suspended",
                company=ja.to_company,
            )
        if n % 4 == 0:
            Prolongation.objects.create(
                approval=approval,
                start_at=approval.end_at,
                end_at=approval.end_at + datetime.timedelta(days=90),
                reason="rqth",
                company=ja.to_company,
            )
    return World(lyon, lille, companies, aci, antenne, prescribers, ft, applications)
