from django.db import connection
from django.db.models import Count

from bench import dataset_marketplace
from itou.geo.distance import Point
from itou.marketplace.enums import AnswerStatus, NeedOutcome, NeedStatus
from itou.marketplace.matching import matching_profiles
from itou.marketplace.models import (
    BuyerList,
    BuyerMembership,
    BuyerOrganization,
    CommercialProfile,
    Need,
    NeedRecipient,
)
from itou.users.enums import UserKind
from itou.users.models import User
from tests.bench.conftest import TODAY


def _profiles():
    return {
        profile.company_id: (
            profile.area_kind,
            profile.is_published,
            profile.staff_count,
            tuple(sorted(profile.sectors.values_list("code", flat=True))),
        )
        for profile in CommercialProfile.objects.all()
    }


def _needs():
    """What the needs step wrote, without the identifiers (reserved in the sequences)."""
    return sorted(
        (
            need.title,
            need.status,
            need.outcome,
            need.created_at,
            need.commune_id,
            need.winner_id,
            tuple(sorted(need.recipients.values_list("company_id", "answer"))),
        )
        for need in Need.objects.all()
    )


def test_marketplace_steps_then_alone_on_an_existing_world(demo_world, time_machine):
    time_machine.move_to(TODAY)  # the grace period of the conventions counts from today
    organizations = BuyerOrganization.objects.annotate(
        admins=Count("memberships", filter=BuyerMembership.objects.filter(is_admin=True).query.where)
    )
    assert organizations.count() == 5  # the demo scale: 16 employers (3 000 for 10 000 at France scale)
    assert all(organization.admins == 1 for organization in organizations)
    assert all(len(organization.siret) == 14 for organization in organizations)
    assert User.objects.filter(kind=UserKind.BUYER).count() == BuyerMembership.objects.count() == 8
    assert BuyerMembership.objects.filter(is_active=False).exists()  # waiting for an admin
    statuses = set(Need.objects.values_list("status", flat=True))
    assert statuses == {NeedStatus.PENDING_REVIEW, NeedStatus.PUBLISHED, NeedStatus.CLOSED, NeedStatus.REJECTED}
    outcomes = set(Need.objects.filter(status=NeedStatus.CLOSED).values_list("outcome", flat=True))
    assert outcomes == {NeedOutcome.WON, NeedOutcome.OTHER_SUPPLIER, NeedOutcome.ABANDONED}
    answers = set(NeedRecipient.objects.values_list("answer", flat=True))
    assert answers == {AnswerStatus.PENDING, AnswerStatus.INTERESTED, AnswerStatus.DECLINED}
    assert not NeedRecipient.objects.filter(answer=AnswerStatus.INTERESTED, message="").exists()
    assert not NeedRecipient.objects.filter(answer=AnswerStatus.DECLINED, answered_by=None).exists()
    assert not Need.objects.filter(status__in=[NeedStatus.PENDING_REVIEW, NeedStatus.REJECTED]).filter(
        recipients__isnull=False
    )
    # Every need reached exactly the employers matching_profiles finds; every winner said it was interested.
    for need in Need.objects.exclude(published_at=None).prefetch_related("sectors"):
        expected = matching_profiles(
            sector_ids=[sector.pk for sector in need.sectors.all()],
            point=Point(need.latitude, need.longitude),
            department_code=need.department_id,
        ).values_list("company_id", flat=True)
        assert set(need.recipients.values_list("company_id", flat=True)) == set(expected), need
        assert expected, need
        if need.outcome == NeedOutcome.WON:
            assert need.recipients.get(company=need.winner).answer == AnswerStatus.INTERESTED
            assert need.amount
    assert BuyerList.objects.filter(items__isnull=False).exists()

    # fill_existing (a copy of an older France database) writes the same profiles, buyers
    # and needs as the whole generation, read back from the employers in the database.
    generated, needs = _profiles(), _needs()
    assert len(generated) == 16  # the employers of the demo scale
    connection.ensure_connection()
    dataset_marketplace.fill_existing(connection.connection, seed=1, today=TODAY)
    assert _profiles() == generated
    assert _needs() == needs
    dataset_marketplace.fill_existing(connection.connection, seed=1, today=TODAY, needs_only=True)
    assert _needs() == needs
    assert User.objects.filter(kind=UserKind.BUYER).count() == 8
