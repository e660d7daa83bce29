from django.db import connection

from bench import dataset_marketplace
from itou.marketplace.models import CommercialProfile
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


def test_marketplace_step_alone_on_an_existing_world(demo_world):
    """fill_existing (a copy of an older France database) writes the same profiles as the
    whole generation, read back from the employers in the database."""
    generated = _profiles()
    assert len(generated) == 16  # the employers of the demo scale
    connection.ensure_connection()
    count = dataset_marketplace.fill_existing(connection.connection, seed=1, today=TODAY)
    assert count == len(generated)
    assert _profiles() == generated
