"""The state machine of an application, declared once (DOMAIN.md, Applications).

Services (itou/job_applications/services.py) fire transitions through `check_transition`,
and every transition is logged in JobApplicationTransitionLog (who, when, from, to).
"""

from dataclasses import dataclass

from itou.job_applications.enums import Actor
from itou.job_applications.enums import JobApplicationState as State


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # what users read in the timeline
    sources: frozenset
    target: str
    actors: frozenset


def _t(name, label, sources, target, actors=(Actor.EMPLOYER,)):
    return Transition(name, label, frozenset(sources), target, frozenset(actors))


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

TRANSITIONS = {
    t.name: t
    for t in (
        _t("process", "Candidature mise à l'étude", {State.NEW, State.POOL}, State.PROCESSING),
        _t(
            "postpone",
            "Candidature mise en attente",
            {State.NEW, State.POOL, State.PROCESSING, State.PRIOR_TO_HIRE},
            State.POSTPONED,
        ),
        _t(
            "add_to_pool",
            "Candidature ajoutée au vivier",
            {State.NEW, State.PROCESSING, State.POSTPONED, State.CANCELLED, State.OBSOLETE},
            State.POOL,
        ),
        _t(
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
        ),
        _t("accept", "Candidature acceptée", ACCEPT_SOURCES, State.ACCEPTED),
        _t(
            "refuse",
            "Candidature déclinée",
            {State.NEW, State.POOL, State.PROCESSING, State.PRIOR_TO_HIRE, State.POSTPONED},
            State.REFUSED,
            actors=(Actor.EMPLOYER, Actor.SYSTEM),
        ),
        _t("cancel", "Embauche annulée", {State.ACCEPTED}, State.CANCELLED),
        _t(
            "render_obsolete",
            "Candidat embauché ailleurs",
            {State.NEW, State.PROCESSING, State.POSTPONED},
            State.OBSOLETE,
            actors=(Actor.SYSTEM,),
        ),
        # A transfer sends the application, as new, to another company of the same member.
        _t("transfer", "Candidature transférée", ACCEPT_SOURCES, State.NEW),
    )
}

# Applications whose story is over for the employer: they can be archived.
ARCHIVABLE_STATES = frozenset({State.REFUSED, State.CANCELLED, State.OBSOLETE})
# Applications the platform archives when untouched for AUTO_ARCHIVE_AFTER (180 days):
# the closed ones, and those left unanswered (new, processing, postponed) — DOMAIN.md,
# "untouched ones are archived after 180 days".
AUTO_ARCHIVABLE_STATES = ARCHIVABLE_STATES | frozenset({State.NEW, State.PROCESSING, State.POSTPONED})
# Applications still waiting for the employer's answer.
PENDING_STATES = frozenset({State.NEW, State.PROCESSING, State.POSTPONED, State.POOL, State.PRIOR_TO_HIRE})


class TransitionNotAllowed(Exception):
    """The transition cannot be fired now (stale page, double click, wrong actor)."""

    message = "Cette action a déjà été effectuée ou n'est plus possible."


def available_transitions(state: str, *, actor: str = Actor.EMPLOYER, is_geiq: bool = False) -> list[Transition]:
    return [
        transition
        for transition in TRANSITIONS.values()
        if state in transition.sources
        and actor in transition.actors
        and (transition.name != "move_to_prior_to_hire" or is_geiq)
    ]


def check_transition(name: str, state: str, *, actor: str = Actor.EMPLOYER, is_geiq: bool = False) -> Transition:
    """The transition `name` from `state`, or TransitionNotAllowed."""
    transition = TRANSITIONS.get(name)
    if transition is None or transition not in available_transitions(state, actor=actor, is_geiq=is_geiq):
        raise TransitionNotAllowed(name)
    return transition


# Log rows that are not transitions of the table above: what happens to an application
# without changing its state. They are logged like transitions (from_state == to_state).
CREATION = "create"  # the apply flow may log the sending under this name
ARCHIVE = "archive"
UNARCHIVE = "unarchive"
UPDATE_HIRING_START = "update_hiring_start"

LOG_LABELS = {
    **{name: transition.label for name, transition in TRANSITIONS.items()},
    CREATION: "Candidature envoyée",
    ARCHIVE: "Candidature archivée",
    UNARCHIVE: "Candidature désarchivée",
    UPDATE_HIRING_START: "Dates du contrat modifiées",
}

# Applications that wait for the employer's first answer: reminded after
# IDLE_REMINDER_AFTER, refused by the system after AUTO_REFUSE_AFTER (models.py).
IDLE_STATES = frozenset({State.NEW, State.PROCESSING})
