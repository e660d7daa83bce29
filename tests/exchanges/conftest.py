import pytest

from tests.helpers import freeze_time
from tests.job_applications.conftest import Cast


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    freeze_time(time_machine)
