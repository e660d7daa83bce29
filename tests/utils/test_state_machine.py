import pytest

from itou.utils.state_machine import StateMachine, Transition, TransitionNotAllowed


class Refused(TransitionNotAllowed):
    message = "Déjà fait."


MACHINE = StateMachine(
    [
        Transition("open", "Ouvert", {"draft"}, "open", actors={"author"}),
        Transition(
            "close", "Fermé", {"open"}, "closed", guard=lambda *, complete=False, **_: complete, guard_label="complet"
        ),
        Transition("archive", "Archivé", {"closed"}, None, batch=True),
    ],
    initial=("draft", "création"),
    not_allowed=Refused,
)


def test_available_follows_sources_actors_and_guards():
    assert [t.name for t in MACHINE.available("draft", actor="author")] == ["open"]
    assert MACHINE.available("draft", actor="reader") == []
    assert MACHINE.available("open") == []  # the guard says no without `complete`
    assert [t.name for t in MACHINE.available("open", complete=True)] == ["close"]
    assert [t.name for t in MACHINE.available("closed")] == ["archive"]


def test_check_returns_the_transition_or_raises_the_machines_error():
    assert MACHINE.check("open", "draft", actor="author").target == "open"
    with pytest.raises(Refused):
        MACHINE.check("open", "open", actor="author")
    with pytest.raises(Refused):
        MACHINE.check("close", "open", complete=False)
    with pytest.raises(Refused):
        MACHINE.check("unknown", "draft")
    assert issubclass(Refused, TransitionNotAllowed)


def test_actions_that_keep_the_state_are_not_state_transitions():
    assert set(MACHINE.state_transitions()) == {"open", "close"}
    assert MACHINE["archive"].batch and not MACHINE["archive"].changes_state


def test_mermaid_diagram():
    assert MACHINE.mermaid(state_order=["draft", "open", "closed"]) == (
        "stateDiagram-v2\n"
        "    direction LR\n"
        "    [*] --> draft : création\n"
        "    draft --> open : open\n"
        "    open --> closed : close (complet)"
    )
