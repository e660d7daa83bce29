"""The demo buyer's showroom (itou.marketplace.demo): needs in several states, with answers."""

from itou.marketplace.demo import load_demo_marketplace
from itou.marketplace.enums import AnswerStatus, NeedOutcome, NeedStatus
from itou.marketplace.models import Need, NeedRecipient
from tests.marketplace.conftest import demo_marketplace


def test_demo_buyer_has_needs_in_several_states_with_answers():
    demo_marketplace()
    needs = {need.title: need for need in Need.objects.select_related("winner")}
    assert {(need.status, need.outcome) for need in needs.values()} == {
        (NeedStatus.CLOSED, NeedOutcome.WON),
        (NeedStatus.CLOSED, NeedOutcome.ABANDONED),
        (NeedStatus.PUBLISHED, ""),
    }
    won = next(need for need in needs.values() if need.outcome == NeedOutcome.WON)
    assert won.winner.kind == "ACI" and won.amount == 24_000
    assert won.closed_at > won.created_at and won.deadline < won.closed_at.date()
    answers = set(NeedRecipient.objects.values_list("answer", flat=True))
    assert answers == {AnswerStatus.INTERESTED, AnswerStatus.DECLINED}
    assert load_demo_marketplace() == 0  # idempotent
    assert Need.objects.count() == 3
