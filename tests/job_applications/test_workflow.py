"""The state machine, table-driven: every transition from every state, by every role.

The table below is DOMAIN.md's, copied by hand: if workflow.py drifts from it, the first
test fails.
"""

import pytest
from django.core.exceptions import PermissionDenied

from itou.companies.enums import CompanyKind
from itou.job_applications import services
from itou.job_applications.enums import Actor, JobApplicationState
from itou.job_applications.models import JobApplicationTransitionLog
from itou.job_applications.workflow import MACHINE, TRANSITIONS, TransitionNotAllowed, available_transitions
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.job_applications.conftest import Cast
from tests.job_applications.factories import JobApplicationFactory

S = JobApplicationState
ALL_STATES = list(S)
ACCEPT_SOURCES = {S.NEW, S.POOL, S.PROCESSING, S.POSTPONED, S.PRIOR_TO_HIRE, S.OBSOLETE, S.REFUSED, S.CANCELLED}

# DOMAIN.md, Applications: transition → (sources, target, actors).
DOMAIN_TABLE = {
    "process": ({S.NEW, S.POOL}, S.PROCESSING, {Actor.EMPLOYER}),
    "postpone": ({S.NEW, S.POOL, S.PROCESSING, S.PRIOR_TO_HIRE}, S.POSTPONED, {Actor.EMPLOYER}),
    "add_to_pool": ({S.NEW, S.PROCESSING, S.POSTPONED, S.CANCELLED, S.OBSOLETE}, S.POOL, {Actor.EMPLOYER}),
    "move_to_prior_to_hire": (
        {S.NEW, S.POOL, S.PROCESSING, S.POSTPONED, S.OBSOLETE, S.REFUSED, S.CANCELLED},
        S.PRIOR_TO_HIRE,
        {Actor.EMPLOYER},
    ),
    "accept": (ACCEPT_SOURCES, S.ACCEPTED, {Actor.EMPLOYER}),
    "refuse": ({S.NEW, S.POOL, S.PROCESSING, S.PRIOR_TO_HIRE, S.POSTPONED}, S.REFUSED, {Actor.EMPLOYER, Actor.SYSTEM}),
    "cancel": ({S.ACCEPTED}, S.CANCELLED, {Actor.EMPLOYER}),
    "render_obsolete": ({S.NEW, S.PROCESSING, S.POSTPONED}, S.OBSOLETE, {Actor.SYSTEM}),
    "transfer": (ACCEPT_SOURCES, S.NEW, {Actor.EMPLOYER}),
}


def test_workflow_is_domain_table():
    assert set(TRANSITIONS) == set(DOMAIN_TABLE)
    for name, (sources, target, actors) in DOMAIN_TABLE.items():
        transition = TRANSITIONS[name]
        assert transition.sources == sources, name
        assert transition.target == target, name
        assert transition.actors == actors, name


def test_prior_to_hire_only_for_geiq():
    assert "move_to_prior_to_hire" not in {t.name for t in available_transitions(S.NEW)}
    assert "move_to_prior_to_hire" in {t.name for t in available_transitions(S.NEW, is_geiq=True)}


def _call(name, *, acting_user, job_application, cast):
    """Fire the employer transition `name` through its service with valid input."""
    kwargs = {"acting_user": acting_user, "job_application": job_application}
    if name == "process":
        return services.job_application_process(**kwargs)
    if name == "postpone":
        return services.job_application_postpone(**kwargs, comment="Nous recrutons en septembre.")
    if name == "add_to_pool":
        return services.job_application_add_to_pool(**kwargs)
    if name == "move_to_prior_to_hire":
        return services.job_application_move_to_prior_to_hire(**kwargs, prior_action_kind="POE")
    if name == "accept":
        return services.job_application_accept(**kwargs, hiring_start_at=job_application.created_at.date())
    if name == "refuse":
        return services.job_application_refuse(
            **kwargs, refusal_reason="no_position", share_reason_with_job_seeker=True
        )
    if name == "cancel":
        return services.job_application_cancel(**kwargs)
    if name == "transfer":
        return services.job_application_transfer(**kwargs, to_company=cast.second_company)
    raise AssertionError(name)


EMPLOYER_TRANSITIONS = [name for name, (_s, _t, actors) in DOMAIN_TABLE.items() if Actor.EMPLOYER in actors]


def _cast(state, *, geiq=False):
    cast = Cast(company_kind=CompanyKind.GEIQ if geiq else CompanyKind.ACI, state=state)
    # Transfers go to another employer of which the same person is a member.
    cast.second_company = CompanyFactory(kind=CompanyKind.EI)
    CompanyMembershipFactory(company=cast.second_company, user=cast.employer)
    return cast


@pytest.mark.parametrize("state", ALL_STATES)
@pytest.mark.parametrize("name", EMPLOYER_TRANSITIONS)
def test_employer_transition_from_every_state(name, state):
    sources, target, _actors = DOMAIN_TABLE[name]
    geiq = name == "move_to_prior_to_hire"
    cast = _cast(state, geiq=geiq)
    job_application = cast.job_application
    if state in sources:
        result = _call(name, acting_user=cast.employer, job_application=job_application, cast=cast)
        result.refresh_from_db()
        assert result.state == target
        log = JobApplicationTransitionLog.objects.get(job_application=job_application, transition=name)
        assert (log.from_state, log.to_state, log.user) == (state, target, cast.employer)
        if name == "transfer":
            assert result.to_company == cast.second_company
    else:
        with pytest.raises(TransitionNotAllowed):
            _call(name, acting_user=cast.employer, job_application=job_application, cast=cast)
        job_application.refresh_from_db()
        assert job_application.state == state
        assert not JobApplicationTransitionLog.objects.filter(job_application=job_application).exists()


@pytest.mark.parametrize("state", ALL_STATES)
def test_prior_to_hire_refused_outside_geiq(state):
    cast = _cast(state, geiq=False)
    with pytest.raises(TransitionNotAllowed):
        _call("move_to_prior_to_hire", acting_user=cast.employer, job_application=cast.job_application, cast=cast)


@pytest.mark.parametrize("role", ["other_employer", "prescriber", "other_prescriber", "job_seeker", "outsider"])
@pytest.mark.parametrize("name", EMPLOYER_TRANSITIONS)
def test_only_the_receiving_employer_fires_transitions(name, role):
    sources, _target, _actors = DOMAIN_TABLE[name]
    state = sorted(sources)[0]
    cast = _cast(state, geiq=True)
    with pytest.raises(PermissionDenied):
        _call(name, acting_user=getattr(cast, role), job_application=cast.job_application, cast=cast)
    cast.job_application.refresh_from_db()
    assert cast.job_application.state == state


def test_colleague_fires_transitions(cast):
    services.job_application_process(acting_user=cast.colleague, job_application=cast.job_application)
    cast.job_application.refresh_from_db()
    assert cast.job_application.state == S.PROCESSING


def test_deactivated_member_cannot_act(cast):
    cast.company.memberships.filter(user=cast.colleague).update(is_active=False)
    with pytest.raises(PermissionDenied):
        services.job_application_process(acting_user=cast.colleague, job_application=cast.job_application)


@pytest.mark.parametrize("state", ALL_STATES)
def test_render_obsolete_on_accept_from_every_state(state):
    """Accepting one application makes the job seeker's others obsolete when the table allows."""
    sources = DOMAIN_TABLE["render_obsolete"][0]
    cast = Cast()
    other = JobApplicationFactory(job_seeker=cast.job_seeker, state=state)
    services.job_application_accept(
        acting_user=cast.employer,
        job_application=cast.job_application,
        hiring_start_at=cast.job_application.created_at.date(),
    )
    other.refresh_from_db()
    if state in sources:
        assert other.state == S.OBSOLETE
        log = other.logs.get()
        assert (log.transition, log.from_state, log.user) == ("render_obsolete", state, None)
        assert log.details == {"accepted_job_application": str(cast.job_application.pk)}
    else:
        assert other.state == state
        assert not other.logs.exists()


@pytest.mark.parametrize("state", ALL_STATES)
def test_system_refusal_from_every_state(state):
    """The platform declines only applications still waiting for a first answer (new, processing)."""
    from django.utils import timezone

    from itou.job_applications.models import AUTO_REFUSE_AFTER, JobApplication

    job_application = JobApplicationFactory(state=state)
    JobApplication.objects.filter(pk=job_application.pk).update(updated_at=timezone.now() - AUTO_REFUSE_AFTER)
    result = services.job_application_refuse_automatically(job_application=job_application)
    job_application.refresh_from_db()
    if state in {S.NEW, S.PROCESSING}:
        assert result is not None
        assert job_application.state == S.REFUSED
        assert job_application.refusal_reason == "auto"
        log = job_application.logs.get()
        assert (log.transition, log.user, log.from_state) == ("refuse", None, state)
    else:
        assert result is None
        assert job_application.state == state


def test_every_employer_transition_has_its_button_and_every_button_its_transition():
    from itou.www.applications.actions import ACTION_SPECS

    employer = {name for name, t in MACHINE.transitions.items() if Actor.EMPLOYER in t.actors}
    assert sorted(spec.name for spec in ACTION_SPECS) == sorted(employer)


def test_batch_actions_are_the_batch_transitions_of_the_table():
    from itou.www.applications.forms import BatchAction

    assert [name for name, _label in BatchAction.CHOICES] == [
        name for name, t in MACHINE.transitions.items() if t.batch
    ]
    assert [name for name, _label in BatchAction.CHOICES] == [
        "process",
        "postpone",
        "add_to_pool",
        "refuse",
        "archive",
        "unarchive",
    ]


@pytest.mark.parametrize(
    "state,archived,is_geiq,expected",
    [
        (S.NEW, False, False, {"process", "postpone", "add_to_pool", "accept", "refuse", "transfer"}),
        (
            S.NEW,
            False,
            True,
            {"process", "postpone", "add_to_pool", "accept", "refuse", "transfer", "move_to_prior_to_hire"},
        ),
        (S.ACCEPTED, False, False, {"cancel", "update_hiring_start"}),
        (S.REFUSED, False, False, {"accept", "transfer", "archive"}),
        (S.REFUSED, True, False, {"accept", "transfer", "unarchive"}),
    ],
)
def test_employer_actions_follow_the_guards(state, archived, is_geiq, expected):
    names = {t.name for t in MACHINE.available(state, actor=Actor.EMPLOYER, archived=archived, is_geiq=is_geiq)}
    assert names == expected
    without_other_company = {
        t.name
        for t in MACHINE.available(
            state, actor=Actor.EMPLOYER, archived=archived, is_geiq=is_geiq, has_transfer_targets=lambda: False
        )
    }
    assert without_other_company == expected - {"transfer"}
