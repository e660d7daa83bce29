"""The life of a need (docs/marche.md): the table of itou/utils/state_machine.py."""

from itou.marketplace.enums import NeedStatus as S
from itou.utils.state_machine import StateMachine, Transition

NEED_MACHINE = StateMachine(
    [
        Transition("publish", "Besoin publié", {S.PENDING_REVIEW}, S.PUBLISHED, note="validé par le support"),
        Transition("reject", "Besoin refusé", {S.PENDING_REVIEW}, S.REJECTED, actors={"staff"}),
        Transition("close", "Besoin clos", {S.PUBLISHED}, S.CLOSED, actors={"buyer"}),
    ],
    initial=(S.PENDING_REVIEW, "l'acheteur publie (publié d'emblée après son premier besoin validé)"),
)
