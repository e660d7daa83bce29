import pytest

from tests.eligibility.factories import criteria


@pytest.fixture(autouse=True)
def _criteria():
    """The 18 IAE and 28 GEIQ criteria are reference data: imported for every test here."""
    criteria()


@pytest.fixture
def cast():
    from tests.eligibility.factories import cast_without_diagnosis

    return cast_without_diagnosis()
