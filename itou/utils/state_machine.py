"""A small declarative state machine: one table of transitions with their guards.

Used by the applications (itou/job_applications/workflow.py) and the prolongation requests
(itou/approvals/workflow.py); the employee records and control campaigns declare theirs
the same way:

    MACHINE = StateMachine(
        [
            Transition("grant", "Demande acceptée", {S.PENDING}, S.GRANTED),
            Transition("archive", "Archivée", {S.DONE}, None, guard=lambda *, archived=False, **_: not archived),
        ],
        initial=(S.PENDING, "l'employeur demande"),
    )
    MACHINE.check("grant", request.status)           # the Transition, or MACHINE.not_allowed
    MACHINE.available(state, actor="employer", archived=False)  # what may be done now

- `target=None` declares an action that keeps the state (archiving, changing dates): it
  is offered and logged like a transition.
- `actors`: who may fire it (empty: anyone). `guard(**context) -> bool`: any other
  condition, on keyword arguments given by the caller (`is_geiq=…`); `guard_label` says it
  in the diagram ("GEIQ").
- `blockers`: conditions that say WHY not, for the screens: functions
  `(**context) -> str | None` returning the French reason the transition cannot be fired
  now (None when it can). `blocker(name, state, **context)` gives the first reason, and
  `check` raises `not_allowed` carrying it in `message` (the control and the employee
  records show these reasons to users).
- `batch=True`: also offered on several objects at once (the lists' batch actions).
- `mermaid()` writes the diagram of the table (docs compare theirs with it in the tests).
"""

import dataclasses
from collections.abc import Callable, Iterable


class TransitionNotAllowed(Exception):
    """The transition cannot be fired now (stale page, double click, wrong actor)."""

    message = "Cette action a déjà été effectuée ou n'est plus possible."


@dataclasses.dataclass(frozen=True)
class Transition:
    name: str
    label: str  # what users read (timeline, logs)
    sources: frozenset
    target: str | None  # None: an action that keeps the state
    actors: frozenset = frozenset()  # empty: any actor
    guard: Callable[..., bool] | None = None
    guard_label: str = ""  # the guard in words, for the diagram
    note: str = ""  # anything else the diagram says about it
    batch: bool = False  # also offered on several objects at once (lists)
    blockers: tuple = ()  # (**context) -> French reason or None

    def __init__(
        self,
        name,
        label,
        sources,
        target,
        *,
        actors=(),
        guard=None,
        guard_label="",
        note="",
        batch=False,
        blockers=(),
    ):
        for field, value in (
            ("name", name),
            ("label", label),
            ("sources", frozenset(sources)),
            ("target", target),
            ("actors", frozenset(actors)),
            ("guard", guard),
            ("guard_label", guard_label),
            ("note", note),
            ("batch", batch),
            ("blockers", tuple(blockers)),
        ):
            object.__setattr__(self, field, value)

    @property
    def changes_state(self) -> bool:
        return self.target is not None

    def allows(self, state, *, actor=None, **context) -> bool:
        return self.blocker(state, actor=actor, **context) is None

    def blocker(self, state, *, actor=None, **context) -> str | None:
        """None when it may be fired from `state`, else why not ("" when no reason is
        declared: the machine's `not_allowed` message applies)."""
        if state not in self.sources:
            return ""
        if self.actors and actor is not None and actor not in self.actors:
            return ""
        if self.guard is not None and not self.guard(**context):
            return ""
        for blocker in self.blockers:
            if reason := blocker(**context):
                return reason
        return None


class StateMachine:
    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        initial: tuple[str, str] | None = None,
        not_allowed: type[Exception] = TransitionNotAllowed,
    ):
        self.transitions = {transition.name: transition for transition in transitions}
        self.initial = initial  # (state, how one gets there) for the diagram
        self.not_allowed = not_allowed

    def __getitem__(self, name) -> Transition:
        return self.transitions[name]

    def state_transitions(self) -> dict[str, Transition]:
        """The transitions that change the state (not the actions that keep it)."""
        return {name: t for name, t in self.transitions.items() if t.changes_state}

    def available(self, state, *, actor=None, **context) -> list[Transition]:
        """What may be done from `state`, in the table's order."""
        return [t for t in self.transitions.values() if t.allows(state, actor=actor, **context)]

    def blocker(self, name, state, *, actor=None, **context) -> str | None:
        """None when `name` may be fired from `state`, else the French reason why not."""
        transition = self.transitions.get(name)
        if transition is None:
            return self.not_allowed.message
        reason = transition.blocker(state, actor=actor, **context)
        if reason is None:
            return None
        return reason or self.not_allowed.message

    def can(self, name, state, *, actor=None, **context) -> bool:
        return self.blocker(name, state, actor=actor, **context) is None

    def check(self, name, state, *, actor=None, **context) -> Transition:
        """The transition `name` if it may be fired from `state`, else `not_allowed`
        (its `message` is the blocker's reason when one says why)."""
        reason = self.blocker(name, state, actor=actor, **context)
        if reason is not None:
            error = self.not_allowed(name)
            error.message = reason
            raise error
        return self.transitions[name]

    def mermaid(self, *, state_order: Iterable | None = None) -> str:
        """The Mermaid state diagram of the state transitions: one edge per source, in the
        table's order (then the sources in `state_order`)."""
        order = {state: index for index, state in enumerate(state_order or [])}
        lines = ["stateDiagram-v2", "    direction LR"]
        if self.initial:
            state, how = self.initial
            lines.append(f"    [*] --> {state} : {how}")
        for transition in self.state_transitions().values():
            words = " — ".join(filter(None, [transition.guard_label, transition.note]))
            suffix = f" ({words})" if words else ""
            for source in sorted(transition.sources, key=lambda s: (order.get(s, len(order)), str(s))):
                lines.append(f"    {source} --> {transition.target} : {transition.name}{suffix}")
        return "\n".join(lines)


class ObjectMachine:
    """A table read on objects rather than states, for the tables whose screens show why an
    action is not possible (control, employee records): `state_of(obj)` gives the current
    state (a stored field, or a state computed from related rows), the blockers receive
    the object as `obj=`. With `field`, `fire` also writes the new state (the caller saves).

        RECORD = ObjectMachine([...], field="status")
        RECORD.blocker("ready", record)   # None, or the French reason
        RECORD.fire("ready", record, log=lambda transition, previous: ...)
    """

    def __init__(
        self,
        transitions: Iterable[Transition],
        *,
        field: str | None = None,
        state_of: Callable | None = None,
        initial: tuple[str, str] | None = None,
        not_allowed: type[Exception] = TransitionNotAllowed,
    ):
        if (field is None) == (state_of is None):
            raise TypeError("ObjectMachine: `field` or `state_of`, one of them.")
        self.field = field
        self.state_of = state_of or (lambda obj: getattr(obj, field))
        self.table = StateMachine(transitions, initial=initial, not_allowed=not_allowed)

    @property
    def transitions(self) -> dict[str, Transition]:
        return self.table.transitions

    def __getitem__(self, name) -> Transition:
        return self.table[name]

    def blocker(self, name, obj, **context) -> str | None:
        return self.table.blocker(name, self.state_of(obj), obj=obj, **context)

    def can(self, name, obj, **context) -> bool:
        return self.blocker(name, obj, **context) is None

    def check(self, name, obj, **context) -> Transition:
        return self.table.check(name, self.state_of(obj), obj=obj, **context)

    def available(self, obj, **context) -> list[Transition]:
        return [t for t in self.transitions.values() if self.can(t.name, obj, **context)]

    def fire(self, name, obj, *, log: Callable | None = None, **context) -> Transition:
        """Check, write the new state in `field` (the caller saves), then `log(transition, previous)`."""
        transition = self.check(name, obj, **context)
        previous = self.state_of(obj)
        if transition.target is not None:
            setattr(obj, self.field, transition.target)
        if log:
            log(transition, previous)
        return transition

    def mermaid(self, **kwargs) -> str:
        return self.table.mermaid(**kwargs)
