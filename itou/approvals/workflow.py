"""The prolongation request state machine (the only table of its transitions).

PENDING → GRANTED (the prolongation is created) or DENIED (reason and proposed actions),
decided by a member of the chosen authorized prescriber organization.
"""

from itou.approvals.enums import ProlongationRequestStatus as S

TRANSITIONS = {
    "grant": ({S.PENDING}, S.GRANTED),
    "deny": ({S.PENDING}, S.DENIED),
}


class TransitionNotAllowed(Exception):
    message = "Cette demande a déjà reçu une réponse."


def check_transition(current: str, transition: str) -> str:
    sources, target = TRANSITIONS[transition]
    if current not in sources:
        raise TransitionNotAllowed
    return target
