"""A small declarative state machine: a table of transitions with guards, fired in one
place that writes the status and the log row.

    machine = StateMachine(field="status", transitions=[Transition("ready", {NEW}, READY, guard=f)])
    machine.fire(obj, "ready", log=lambda t, before: ...)

A guard returns None when the transition may happen, else the French message shown.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


class TransitionNotAllowed(Exception):
    def __init__(self, message="Cette action a déjà été effectuée ou n'est plus possible."):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset
    target: str
    label: str = ""
    guard: Callable | None = None


class StateMachine:
    def __init__(self, *, field: str, transitions: Iterable[Transition]):
        self.field = field
        self.transitions = {t.name: t for t in transitions}

    def available(self, obj) -> list[Transition]:
        state = getattr(obj, self.field)
        return [t for t in self.transitions.values() if state in t.sources]

    def can(self, obj, name: str) -> bool:
        try:
            self.check(obj, name)
        except TransitionNotAllowed:
            return False
        return True

    def check(self, obj, name: str) -> Transition:
        transition = self.transitions[name]
        if getattr(obj, self.field) not in transition.sources:
            raise TransitionNotAllowed
        if transition.guard and (message := transition.guard(obj)):
            raise TransitionNotAllowed(message)
        return transition

    def fire(self, obj, name: str, *, log: Callable | None = None) -> Transition:
        """Check, set the new state (the caller saves), then call `log(transition, previous_state)`."""
        transition = self.check(obj, name)
        previous = getattr(obj, self.field)
        setattr(obj, self.field, transition.target)
        if log:
            log(transition, previous)
        return transition
