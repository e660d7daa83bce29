"""Applications of the demo world (docs/monde-de-demo.md): every state, from every kind of sender.

`load_demo_job_applications()` is meant to be called at the end of `itou.demo.world.load_demo`
(same transaction), once the demo's employers, prescribers and job seekers exist. Each
application is created as the apply flow creates it (state NEW, a "create" log row), then
moved to its state through the services of itou/job_applications/services.py, acting as
the receiving employer's admin: the timeline and the emails are the real ones.

Idempotent in the simplest way: if any demo job seeker already has an application, it
does nothing (testers' changes are kept; the applications are never reset).
"""

import dataclasses
import datetime
import itertools

from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.companies.models import Company
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as State
from itou.job_applications.enums import SenderKind
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.job_applications.workflow import CREATION
from itou.prescribers.models import PrescriberOrganization
from itou.users.models import User

SENDER_KINDS = (SenderKind.JOB_SEEKER, SenderKind.PRESCRIBER, SenderKind.EMPLOYER)
# Reached in a second phase, after the hires (a hire makes the job seeker's pending
# applications obsolete).
LATER_STATES = (
    State.NEW,
    State.PROCESSING,
    State.POSTPONED,
    State.PRIOR_TO_HIRE,
    State.POOL,
    State.REFUSED,
)
MESSAGES = {
    SenderKind.JOB_SEEKER: "Bonjour, votre activité m'intéresse beaucoup. Je suis disponible dès maintenant.",
    SenderKind.PRESCRIBER: (
        "Je vous propose la candidature d'une personne que j'accompagne depuis plusieurs mois : "
        "motivée, disponible, elle a besoin d'un premier contrat pour reprendre pied."
    ),
    SenderKind.EMPLOYER: "Candidature enregistrée par la structure après un entretien sur place.",
}


@dataclasses.dataclass
class _World:
    companies: list  # non-GEIQ employers, in the demo's order
    geiq: Company
    prescribers: list
    job_seekers: list
    used_pairs: set = dataclasses.field(default_factory=set)

    def admin_of(self, organization) -> User:
        return organization.memberships.filter(is_active=True).order_by("-is_admin", "pk").first().user


def _world() -> _World | None:
    from itou.demo.world import COMPANIES, JOB_SEEKERS, PRESCRIBERS

    companies = [Company.objects.filter(siret=demo.siret, kind=demo.kind).first() for demo in COMPANIES]
    prescribers = [
        PrescriberOrganization.objects.filter(siret=demo.siret, kind=demo.kind).first() for demo in PRESCRIBERS
    ]
    job_seekers = [User.objects.filter(email=demo.person.email).first() for demo in JOB_SEEKERS]
    if None in companies or None in prescribers or None in job_seekers:
        return None
    geiq = next(company for company in companies if company.kind == CompanyKind.GEIQ)
    return _World(
        companies=[company for company in companies if company.kind != CompanyKind.GEIQ],
        geiq=geiq,
        prescribers=prescribers,
        job_seekers=job_seekers,
    )


def _create(world: _World, *, job_seeker, company, sender_kind, days_ago: int, prescriber_index: int = 0):
    if sender_kind == SenderKind.JOB_SEEKER:
        sender, organization = job_seeker, {}
    elif sender_kind == SenderKind.PRESCRIBER:
        prescriber = world.prescribers[prescriber_index % len(world.prescribers)]
        sender, organization = world.admin_of(prescriber), {"sender_prescriber_organization": prescriber}
    else:
        sender, organization = world.admin_of(company), {"sender_company": company}
    created_at = timezone.now() - datetime.timedelta(days=days_ago, hours=days_ago % 7)
    job_application = JobApplication.objects.create(
        job_seeker=job_seeker,
        to_company=company,
        sender=sender,
        sender_kind=sender_kind,
        message=MESSAGES[sender_kind],
        created_at=created_at,
        **organization,
    )
    job = company.job_descriptions.filter(is_open=True).order_by("ui_rank", "pk").first()
    if job:
        job_application.selected_jobs.set([job])
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition=CREATION,
        from_state=State.NEW,
        to_state=State.NEW,
        user=sender,
        details={"sender_kind": sender_kind},
        timestamp=created_at,
    )
    world.used_pairs.add((job_seeker.pk, company.pk))
    return job_application


def _drive(world: _World, job_application, state: str) -> None:
    """Move a new application to `state` through the services, as its employer's admin."""
    employer = world.admin_of(job_application.to_company)
    act = {"acting_user": employer, "job_application": job_application}
    start = timezone.localdate() + datetime.timedelta(days=7)
    if state in (State.NEW, State.OBSOLETE):
        return
    if state == State.CANCELLED:
        services.job_application_accept(**act, hiring_start_at=start)
        services.job_application_cancel(**act)
        return
    services.job_application_process(**act)
    if state == State.POSTPONED:
        services.job_application_postpone(
            **act, comment="Nous n'avons pas de poste libre avant le mois prochain : nous reviendrons vers vous."
        )
    elif state == State.PRIOR_TO_HIRE:
        services.job_application_move_to_prior_to_hire(**act, prior_action_kind="POE")
    elif state == State.POOL:
        services.job_application_add_to_pool(**act)
    elif state == State.ACCEPTED:
        services.job_application_accept(
            **act,
            hiring_start_at=start,
            hiring_end_at=start + datetime.timedelta(days=180),
            answer="Rendez-vous le premier jour à 8 h 30 à l'accueil, avec une pièce d'identité.",
        )
    elif state == State.REFUSED:
        services.job_application_refuse(
            **act,
            refusal_reason="no_position",
            share_reason_with_job_seeker=True,
            answer="Merci pour votre candidature : nous n'avons pas de poste à pourvoir en ce moment.",
            answer_to_prescriber="Nous vous recontacterons dès l'ouverture de la prochaine session.",
        )


def _free_company(world: _World, job_seeker, *, geiq: bool, start: int):
    if geiq:
        candidates = [world.geiq]
    else:
        candidates = world.companies[start % len(world.companies) :] + world.companies[: start % len(world.companies)]
    for company in candidates:
        if (job_seeker.pk, company.pk) not in world.used_pairs:
            return company
    return None


def load_demo_job_applications() -> int:
    """Create the demo's applications (27: each of the 9 states from each of the 3 sender
    kinds); returns how many were created (0 when already there or when the demo world
    is missing)."""
    world = _world()
    if world is None or JobApplication.objects.filter(job_seeker__in=world.job_seekers).exists():
        return 0
    created = 0
    # Phase 1, the hires: job seekers 0–2 are hired (one sender kind each) while another of
    # their applications waits (it becomes "embauché ailleurs"); job seekers 3–5 are hired
    # then the hire is cancelled.
    for index, sender_kind in enumerate(SENDER_KINDS):
        job_seeker = world.job_seekers[index]
        obsolete_kind = SENDER_KINDS[(index + 1) % 3]
        waiting = _create(
            world,
            job_seeker=job_seeker,
            company=world.companies[(index + 3) % len(world.companies)],
            sender_kind=obsolete_kind,
            days_ago=40 + index,
            prescriber_index=index,
        )
        hired = _create(
            world,
            job_seeker=job_seeker,
            company=world.companies[index],
            sender_kind=sender_kind,
            days_ago=30 + index,
            prescriber_index=index,
        )
        _drive(world, hired, State.ACCEPTED)
        waiting.refresh_from_db()
        assert waiting.state == State.OBSOLETE, waiting.state
        cancelled_for = world.job_seekers[index + 3]
        cancelled = _create(
            world,
            job_seeker=cancelled_for,
            company=world.companies[(index + 1) % len(world.companies)],
            sender_kind=sender_kind,
            days_ago=25 + index,
            prescriber_index=index + 1,
        )
        _drive(world, cancelled, State.CANCELLED)
        created += 3
    # Phase 2, every other state from every sender kind.
    job_seekers = itertools.cycle(world.job_seekers)
    for number, (state, sender_kind) in enumerate(itertools.product(LATER_STATES, SENDER_KINDS)):
        company = None
        while company is None:
            job_seeker = next(job_seekers)
            company = _free_company(world, job_seeker, geiq=state == State.PRIOR_TO_HIRE, start=number)
        job_application = _create(
            world,
            job_seeker=job_seeker,
            company=company,
            sender_kind=sender_kind,
            days_ago=20 - number % 20,
            prescriber_index=number,
        )
        _drive(world, job_application, state)
        created += 1
    return created
