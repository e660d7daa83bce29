"""The state machine of an application, declared once (DOMAIN.md, Applications).

Services (itou/job_applications/services.py) fire transitions through `check_transition`,
and every transition is logged in JobApplicationTransitionLog (who, when, from, to).
"""

from itou.companies.enums import CompanyKind
from itou.job_applications.enums import Actor
from itou.job_applications.enums import JobApplicationState as State
from itou.utils.state_machine import StateMachine, Transition
from itou.utils.state_machine import TransitionNotAllowed as TransitionNotAllowed  # raised by the services

ACCEPT_SOURCES = {
    State.NEW,
    State.POOL,
    State.PROCESSING,
    State.POSTPONED,
    State.PRIOR_TO_HIRE,
    State.OBSOLETE,
    State.REFUSED,
    State.CANCELLED,
}
# Applications whose story is over for the employer: they can be archived.
ARCHIVABLE_STATES = frozenset({State.REFUSED, State.CANCELLED, State.OBSOLETE})
# Applications still waiting for the employer's answer.
PENDING_STATES = frozenset({State.NEW, State.PROCESSING, State.POSTPONED, State.POOL, State.PRIOR_TO_HIRE})
# Applications the platform archives when untouched for AUTO_ARCHIVE_AFTER (180 days):
# the closed ones, and those left unanswered (new, processing, postponed) — DOMAIN.md,
# "untouched ones are archived after 180 days".
AUTO_ARCHIVABLE_STATES = ARCHIVABLE_STATES | frozenset({State.NEW, State.PROCESSING, State.POSTPONED})
# Applications that wait for the employer's first answer: reminded after
# IDLE_REMINDER_AFTER, refused by the system after AUTO_REFUSE_AFTER (models.py).
IDLE_STATES = frozenset({State.NEW, State.PROCESSING})

EMPLOYER = (Actor.EMPLOYER,)

# Log rows that are not transitions of the table: what happens to an application without
# changing its state. They are logged like transitions (from_state == to_state).
CREATION = "create"  # the apply flow logs the sending under this name
ARCHIVE = "archive"
UNARCHIVE = "unarchive"
UPDATE_HIRING_START = "update_hiring_start"


def _is_geiq(*, is_geiq=False, **context):
    return is_geiq


def _has_transfer_targets(*, has_transfer_targets=None, **context):
    # A callable (one query) given by the screens; services do not ask.
    return has_transfer_targets is None or has_transfer_targets()


# The one table: transitions (and the actions that keep the state), with their guards.
# The screens offer the employer's buttons and batch actions from it (www/applications).
MACHINE = StateMachine(
    [
        Transition(
            "process",
            "Candidature mise à l'étude",
            {State.NEW, State.POOL},
            State.PROCESSING,
            actors=EMPLOYER,
            batch=True,
        ),
        Transition(
            "postpone",
            "Candidature mise en attente",
            {State.NEW, State.POOL, State.PROCESSING, State.PRIOR_TO_HIRE},
            State.POSTPONED,
            actors=EMPLOYER,
            batch=True,
        ),
        Transition(
            "add_to_pool",
            "Candidature ajoutée au vivier",
            {State.NEW, State.PROCESSING, State.POSTPONED, State.CANCELLED, State.OBSOLETE},
            State.POOL,
            actors=EMPLOYER,
            batch=True,
        ),
        Transition(
            "move_to_prior_to_hire",
            "Action préalable à l'embauche",
            {
                State.NEW,
                State.POOL,
                State.PROCESSING,
                State.POSTPONED,
                State.OBSOLETE,
                State.REFUSED,
                State.CANCELLED,
            },
            State.PRIOR_TO_HIRE,
            actors=EMPLOYER,
            guard=_is_geiq,
            guard_label="GEIQ",
        ),
        Transition(
            "accept",
            "Candidature acceptée",
            ACCEPT_SOURCES,
            State.ACCEPTED,
            actors=EMPLOYER,
        ),
        Transition(
            "refuse",
            "Candidature déclinée",
            {State.NEW, State.POOL, State.PROCESSING, State.PRIOR_TO_HIRE, State.POSTPONED},
            State.REFUSED,
            actors=(Actor.EMPLOYER, Actor.SYSTEM),
            note="employeur ; plateforme si sans réponse",
            batch=True,
        ),
        Transition("cancel", "Embauche annulée", {State.ACCEPTED}, State.CANCELLED, actors=EMPLOYER),
        Transition(
            "render_obsolete",
            "Candidat embauché ailleurs",
            {State.NEW, State.PROCESSING, State.POSTPONED},
            State.OBSOLETE,
            actors=(Actor.SYSTEM,),
            note="plateforme",
        ),
        # A transfer sends the application, as new, to another company of the same member.
        Transition(
            "transfer",
            "Candidature transférée",
            ACCEPT_SOURCES,
            State.NEW,
            actors=EMPLOYER,
            guard=_has_transfer_targets,
            guard_label="membre d'une autre structure",
        ),
        # Actions that keep the state.
        Transition(UPDATE_HIRING_START, "Dates du contrat modifiées", {State.ACCEPTED}, None, actors=EMPLOYER),
        Transition(
            ARCHIVE,
            "Candidature archivée",
            ARCHIVABLE_STATES,
            None,
            actors=EMPLOYER,
            guard=lambda *, archived=False, **context: not archived,
            batch=True,
        ),
        Transition(
            UNARCHIVE,
            "Candidature désarchivée",
            set(State),
            None,
            actors=EMPLOYER,
            guard=lambda *, archived=False, **context: archived,
            batch=True,
        ),
    ],
    initial=(State.NEW, "envoi (parcours « postuler »)"),
)

# The transitions that change the state.
TRANSITIONS = MACHINE.state_transitions()


def available_transitions(state: str, *, actor: str = Actor.EMPLOYER, is_geiq: bool = False) -> list[Transition]:
    """The state transitions `actor` may fire from `state`."""
    return [t for t in MACHINE.available(state, actor=actor, is_geiq=is_geiq) if t.changes_state]


def check_transition(name: str, state: str, *, actor: str = Actor.EMPLOYER, is_geiq: bool = False) -> Transition:
    """The transition `name` from `state`, or TransitionNotAllowed."""
    return MACHINE.check(name, state, actor=actor, is_geiq=is_geiq)


def employer_actions(job_application, *, has_transfer_targets=None) -> list[Transition]:
    """What the receiving employer may do now with `job_application` (buttons of its page)."""
    return MACHINE.available(
        job_application.state,
        actor=Actor.EMPLOYER,
        is_geiq=job_application.to_company.kind == CompanyKind.GEIQ,
        archived=job_application.archived_at is not None,
        has_transfer_targets=has_transfer_targets,
    )


LOG_LABELS = {
    CREATION: "Candidature envoyée",
    **{name: transition.label for name, transition in MACHINE.transitions.items()},
}
