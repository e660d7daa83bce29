import pytest

from tests.helpers import freeze_time


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    """Every test here runs at tests.helpers.FROZEN_NOW: no wall-clock dependency."""
    freeze_time(time_machine)
