"""A few reference rows (communes, ROME) for the job description tests, created directly:
importing the whole referential would slow every test down.

Plain functions (`make_commune`, `make_appellation`) for the tests that build their own
rows; fixtures for the usual cast. tests/www/companies/conftest.py re-exports the fixtures.
"""

import pytest

from itou.geo.models import Commune, Department, Region
from itou.geo.search import commune_search_vector
from itou.jobs.models import Appellation, Rome, RomeDomain
from itou.jobs.search import appellation_search_vector
from itou.utils.text import normalize


def make_commune(code: str, name: str, *, department: str, postal_codes: list[str], latitude, longitude) -> Commune:
    """A commune that the autocomplete finds (search columns filled as `import_geo` does)."""
    region, _ = Region.objects.get_or_create(code="84", defaults={"name": "Auvergne-Rhône-Alpes"})
    department_obj, _ = Department.objects.get_or_create(
        code=department, defaults={"name": f"Département {department}", "region": region}
    )
    commune = Commune.objects.create(
        code=code,
        name=name,
        department=department_obj,
        postal_codes=postal_codes,
        latitude=latitude,
        longitude=longitude,
        search_text=normalize(name),
    )
    Commune.objects.filter(pk=commune.pk).update(search_vector=commune_search_vector())
    return commune


def make_appellation(code: str, name: str, *, rome_code: str, rome_name: str, domain: str = "D") -> Appellation:
    """A ROME appellation that the autocomplete finds (search columns filled as `import_rome` does)."""
    domain_obj, _ = RomeDomain.objects.get_or_create(code=domain, defaults={"name": f"Domaine {domain}"})
    rome, _ = Rome.objects.get_or_create(code=rome_code, defaults={"name": rome_name, "domain": domain_obj})
    appellation = Appellation.objects.create(code=code, name=name, rome=rome, search_text=normalize(name))
    Appellation.objects.filter(pk=appellation.pk).update(search_vector=appellation_search_vector())
    return appellation


@pytest.fixture
def lyon() -> Commune:
    return make_commune(
        "69123", "Lyon", department="69", postal_codes=["69001", "69007"], latitude=45.758, longitude=4.835
    )


@pytest.fixture
def villeurbanne() -> Commune:
    return make_commune(
        "69266", "Villeurbanne", department="69", postal_codes=["69100"], latitude=45.7719, longitude=4.8902
    )


@pytest.fixture
def boulanger() -> Appellation:
    return make_appellation(
        "11573", "Boulanger / Boulangère", rome_code="D1102", rome_name="Boulangerie - viennoiserie"
    )


@pytest.fixture
def maraicher() -> Appellation:
    return make_appellation(
        "16384", "Maraîcher / Maraîchère", rome_code="A1414", rome_name="Horticulture et maraîchage", domain="A"
    )
