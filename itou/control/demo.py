"""The control, contract ends and yearly reports in the demo world (docs/controle.md).

`load_demo_control()` is called at the end of `itou.demo.world.load_demo`. It gives the
demo ACI (Les Jardins du Rhône) three self-prescribed hires last year (its own diagnosis,
a PASS IAE created by the hire), one of them ended with an exit to a permanent job; then
a campaign of the demo DDETS (DDETS du Rhône) for last year, drawn with a fixed seed and
in its amicable phase (proofs to send within 30 days); and the ACI's yearly report for
last year, completed and sent to the DDETS. The same DDETS also has the campaign of the
year before, closed and archived (the ACI was validated: only its count of controlled
hires is kept). Idempotent: nothing is created twice.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from itou.activity.models import ActivityReport, ContractEnd
from itou.activity.services import declare_contract_end, save_report
from itou.approvals import rules
from itou.approvals.models import Approval, ApprovalHire, next_approval_number
from itou.companies.enums import CompanyKind
from itou.companies.models import Company
from itou.control import draw
from itou.control.enums import CampaignPhase, SiaeState
from itou.control.models import Campaign, ControlledSiae
from itou.control.services import campaign_name
from itou.eligibility.enums import AuthorKind
from itou.eligibility.models import AdministrativeCriteria, EligibilityDiagnosis
from itou.eligibility.rules import expires_on
from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication
from itou.users.enums import EducationLevel, UserKind
from itou.users.models import JobSeekerProfile, User

DEMO_SEED = 20260515
# (email local part, first name, last name, sex, birthdate, hiring start (month, day), criteria, phone, FT id)
EMPLOYEES = (
    ("salarie.controle1", "Karim", "Benali", 1, datetime.date(1979, 4, 12), (2, 3), ("RSA",), "0611223301", "4412301K"),
    (
        "salarie.controle2",
        "Sophie",
        "Garnier",
        2,
        datetime.date(1990, 9, 30),
        (4, 14),
        ("ASS", "QPV"),
        "0611223302",
        "4412302S",
    ),
    (
        "salarie.controle3",
        "Moussa",
        "Diallo",
        1,
        datetime.date(2001, 1, 8),
        (6, 2),
        ("DETLD",),
        "0611223303",
        "4412303M",
    ),
)


def demo_period(today=None):
    year = (today or timezone.localdate()).year - 1
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _demo_aci_and_ddets():
    from itou.demo.world import COMPANIES, INSTITUTIONS

    aci = next(c for c in COMPANIES if c.kind == CompanyKind.ACI)
    ddets = next(i for i in INSTITUTIONS if i.kind == InstitutionKind.DDETS_IAE and i.department_code == "69")
    company = Company.objects.get(siret=aci.siret, kind=aci.kind)
    institution = Institution.objects.get(kind=ddets.kind, department_id=ddets.department_code)
    employer = company.memberships.filter(is_admin=True, is_active=True).order_by("pk").first().user
    return company, employer, institution


def _hire(company, employer, *, spec, year) -> JobApplication | None:
    from itou.demo.world import DEMO_EMAIL_DOMAIN, make_nir

    local, first_name, last_name, sex, birthdate, (month, day), kinds, phone, france_travail_id = spec
    email = f"{local}@{DEMO_EMAIL_DOMAIN}"
    job_seeker = User.objects.filter(email=email).first()
    if job_seeker and JobApplication.objects.filter(job_seeker=job_seeker, to_company=company).exists():
        return None
    if job_seeker is None:
        job_seeker = User.objects.create(
            email=email, first_name=first_name, last_name=last_name.upper(), kind=UserKind.JOB_SEEKER, phone=phone
        )
        job_seeker.set_unusable_password()
        job_seeker.save(update_fields=["password"])
        JobSeekerProfile.objects.create(
            user=job_seeker,
            birthdate=birthdate,
            nir=make_nir(sex=sex, birthdate=birthdate, birth_commune_code="69123", order=900 + day),
            education_level=EducationLevel.CAP_BEP_TRAINING,
            commune_id="69259",
            address_line="12 rue Paul Bert",
            france_travail_id=france_travail_id,
        )
    start = datetime.date(year, month, day)
    created_at = timezone.make_aware(datetime.datetime.combine(start - datetime.timedelta(days=5), datetime.time(10)))
    diagnosis = EligibilityDiagnosis.objects.create(
        job_seeker=job_seeker,
        author=employer,
        author_kind=AuthorKind.EMPLOYER,
        author_company=company,
        created_at=created_at,
        expires_at=expires_on(author_kind=AuthorKind.EMPLOYER, created_on=created_at.date()),
    )
    diagnosis.administrative_criteria.set(AdministrativeCriteria.objects.filter(kind__in=kinds))
    job_application = JobApplication.objects.create(
        job_seeker=job_seeker,
        to_company=company,
        sender=employer,
        sender_kind=SenderKind.EMPLOYER,
        sender_company=company,
        message="Embauche après un entretien sur place.",
        state=JobApplicationState.ACCEPTED,
        hiring_start_at=start,
        eligibility_diagnosis=diagnosis,
        processed_at=created_at + datetime.timedelta(days=2),
        created_at=created_at,
    )
    approval = Approval.objects.create(
        number=next_approval_number(),
        job_seeker=job_seeker,
        start_at=start,
        end_at=rules.approval_end_for_start(start),
        created_by=employer,
        created_at=created_at + datetime.timedelta(days=2),
    )
    ApprovalHire.objects.create(
        approval=approval, job_application=job_application, company=company, hiring_start_at=start
    )
    return job_application


def _archived_campaign(company, institution, today) -> int:
    """The campaign of the year before last: closed last spring, archived 60 days later."""
    start, end = datetime.date(today.year - 2, 1, 1), datetime.date(today.year - 2, 12, 31)
    if Campaign.objects.filter(institution=institution, period_start=start, period_end=end).exists():
        return 0
    closed_at = timezone.make_aware(datetime.datetime(today.year - 1, 3, 28, 9))
    archived_at = closed_at + datetime.timedelta(days=60)
    campaign = Campaign.objects.create(
        institution=institution,
        name=campaign_name(start, end),
        period_start=start,
        period_end=end,
        phase=CampaignPhase.ARCHIVED,
        ratio_deadline=datetime.date(today.year - 1, 6, 11) - datetime.timedelta(days=365),
        submission_deadline=datetime.date(today.year - 1, 7, 23) - datetime.timedelta(days=365),
        adversarial_deadline=datetime.date(today.year - 1, 10, 13) - datetime.timedelta(days=365),
        sanctions_deadline=datetime.date(today.year - 1, 3, 28),
        ratio=30,
        seed=DEMO_SEED - 1,
        eligible_siae_count=1,
        drawn_at=closed_at - datetime.timedelta(days=300),
        closed_at=closed_at,
        archived_at=archived_at,
    )
    ControlledSiae.objects.create(
        campaign=campaign,
        company=company,
        hire_count=2,
        submitted_at=closed_at - datetime.timedelta(days=250),
        reviewed_at=closed_at - datetime.timedelta(days=220),
        final_reviewed_at=closed_at - datetime.timedelta(days=220),
        final_state=SiaeState.ACCEPTED,
        archived_at=archived_at,
    )
    return 1


@transaction.atomic
def load_demo_control() -> int:
    """Create what is missing; return the number of rows of the story created."""
    company, employer, institution = _demo_aci_and_ddets()
    period_start, period_end = demo_period()
    created = 0
    hires = [_hire(company, employer, spec=spec, year=period_start.year) for spec in EMPLOYEES]
    created += sum(1 for h in hires if h)
    last = hires[-1]
    if last is not None and not ContractEnd.objects.filter(job_application=last).exists():
        declare_contract_end(
            last,
            end_date=datetime.date(period_start.year, 11, 28),
            reason="EARLY_END_EMPLOYEE",
            exit_situation="PERMANENT_CONTRACT",
            comment="CDI d'agent d'entretien des espaces verts chez un paysagiste de Vénissieux.",
            user=employer,
        )
        created += 1
    today = timezone.localdate()
    campaign, is_new = Campaign.objects.get_or_create(
        institution=institution,
        period_start=period_start,
        period_end=period_end,
        defaults={
            "name": campaign_name(period_start, period_end),
            "ratio_deadline": today - datetime.timedelta(days=7),
            "submission_deadline": today + datetime.timedelta(days=30),
            "adversarial_deadline": today + datetime.timedelta(days=90),
            "sanctions_deadline": today + datetime.timedelta(days=200),
            "ratio": 30,
            "ratio_set_at": timezone.now(),
            "seed": DEMO_SEED,
        },
    )
    if is_new:
        draw.draw_campaign(campaign.pk)
        created += 1
    created += _archived_campaign(company, institution, today)
    if not ActivityReport.objects.filter(company=company, year=period_start.year).exists():
        save_report(
            company,
            period_start.year,
            data={
                "support_actions": "Entretiens individuels tous les 15 jours avec la conseillère en insertion ; "
                "aide au permis de conduire ; ateliers CV et simulation d'entretien.",
                "training_actions": "Formation aux gestes de maraîchage biologique (35 h) ; certificat Sauveteur "
                "secouriste du travail.",
                "partners": "France Travail Lyon Sud, Mission locale de Vénissieux, CCAS de Vénissieux.",
                "comment": "",
            },
            submit=True,
            user=employer,
        )
        created += 1
    return created
