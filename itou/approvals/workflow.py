"""The prolongation request state machine (the only table of its transitions).

PENDING → GRANTED (the prolongation is created) or DENIED (reason and proposed actions),
decided by a member of the chosen authorized prescriber organization.
"""

from itou.approvals.enums import ProlongationRequestStatus as S
from itou.utils import state_machine


class TransitionNotAllowed(state_machine.TransitionNotAllowed):
    message = "Cette demande a déjà reçu une réponse."


MACHINE = state_machine.StateMachine(
    [
        state_machine.Transition(
            "grant", "Demande acceptée", {S.PENDING}, S.GRANTED, note="le prescripteur choisi ; crée la prolongation"
        ),
        state_machine.Transition(
            "deny", "Demande refusée", {S.PENDING}, S.DENIED, note="motif, explications, actions proposées"
        ),
    ],
    initial=(S.PENDING, "l'employeur demande (motif, fin, prescripteur habilité choisi)"),
    not_allowed=TransitionNotAllowed,
)
TRANSITIONS = MACHINE.state_transitions()


def check_transition(current: str, transition: str) -> str:
    """The status after `transition` from `current`, or TransitionNotAllowed."""
    return MACHINE.check(transition, current).target
