"""A small declarative state machine: a table of transitions with guards.

Each object of the control (campaign, controlled SIAE, controlled hire, criterion) declares
its table once in itou/control/workflow.py. A transition has sources, a target (a state, or
a function of the object when the target is computed) and guards: functions
`guard(obj, **context) -> str | None` that return the French reason why the transition is
not possible now (None when it is). Services call `machine.check(name, obj, **context)`
before changing anything, and log the change (itou.control.models.ControlLog).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


class TransitionNotAllowed(Exception):
    """The transition cannot be fired now; `message` says why, in French."""

    def __init__(self, message="Cette action a déjà été effectuée ou n'est plus possible."):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: object  # a state, or a callable(obj) -> state, or None (computed object)
    guards: tuple[Callable, ...] = field(default=())

    def target_for(self, obj):
        return self.target(obj) if callable(self.target) else self.target


class StateMachine:
    def __init__(self, name: str, state_of: Callable, transitions: list[Transition]):
        self.name = name
        self.state_of = state_of  # obj -> current state (stored field or computed)
        self.transitions = {t.name: t for t in transitions}

    def __getitem__(self, name) -> Transition:
        return self.transitions[name]

    def blocker(self, name: str, obj, **context) -> str | None:
        """Why `name` cannot be fired on `obj` now (French), or None."""
        transition = self.transitions.get(name)
        if transition is None:
            return "Cette action n'existe pas."
        if self.state_of(obj) not in transition.sources:
            return "Cette action a déjà été effectuée ou n'est plus possible."
        for guard in transition.guards:
            reason = guard(obj, **context)
            if reason:
                return reason
        return None

    def can(self, name: str, obj, **context) -> bool:
        return self.blocker(name, obj, **context) is None

    def check(self, name: str, obj, **context) -> Transition:
        reason = self.blocker(name, obj, **context)
        if reason:
            raise TransitionNotAllowed(reason)
        return self.transitions[name]

    def available(self, obj, **context) -> list[Transition]:
        return [t for t in self.transitions.values() if self.can(t.name, obj, **context)]
