import gzip
import io
import re

import pytest
from django.contrib.postgres.search import SearchQuery
from django.core.management import CommandError, call_command

from itou.geo.management.commands.import_geo import delete_unreferenced
from itou.geo.models import Commune, Department, Region
from itou.utils.text import normalize
from tests.companies.factories import CompanyFactory


def import_geo(**options) -> str:
    stdout = io.StringIO()
    call_command("import_geo", stdout=stdout, stderr=io.StringIO(), **options)
    return stdout.getvalue()


def matches(code: str, word: str) -> bool:
    return Commune.objects.filter(code=code, search_vector=SearchQuery(word, config="simple")).exists()


def snapshot() -> list[tuple]:
    return list(
        Commune.objects.order_by("code").values_list(
            "code", "name", "department", "postal_codes", "population", "latitude", "longitude", "search_vector"
        )
    )


# One test for the whole story: a France-wide import takes seconds, and xdist would run
# separate tests of a module on both workers, each paying for its own import.
def test_import_geo():
    output = import_geo()

    assert re.fullmatch(
        r"Import géographique terminé en [\d.]+ s : 26 régions, 109 départements, 34969 communes "
        r"dont 34875 avec coordonnées \(34969 créées, 0 modifiées, 0 supprimées\)\.\n",
        output,
    )
    assert Region.objects.count() == 26
    assert Department.objects.count() == 109
    assert Commune.objects.count() == 34_969
    assert Commune.objects.filter(latitude__isnull=False, longitude__isnull=False).count() == 34_875
    # Only the overseas collectivities (975 to 989) lack coordinates.
    assert set(Commune.objects.filter(latitude__isnull=True).values_list("department", flat=True)) == {
        "975",
        "977",
        "978",
        "984",
        "986",
        "987",
        "988",
        "989",
    }
    assert not Commune.objects.filter(search_vector__isnull=True).exists()

    commune = Commune.objects.select_related("department__region").get(code="42218")
    assert commune.name == "Saint-Étienne"
    assert commune.department.name == "Loire"
    assert commune.department.region.name == "Auvergne-Rhône-Alpes"
    assert commune.postal_codes == ["42000", "42100", "42230"]
    assert commune.population > 150_000
    assert commune.latitude == pytest.approx(45.43, abs=0.01)
    assert commune.longitude == pytest.approx(4.38, abs=0.01)
    assert commune.search_text == "saint etienne"
    assert matches("42218", "etienne")
    assert matches("42218", "42100")
    assert Commune.objects.get(code="98411").population == 0  # No population in the file.

    # Importing again writes nothing.
    before = snapshot()
    assert "(0 créées, 0 modifiées, 0 supprimées)" in import_geo()
    assert snapshot() == before
    assert (Region.objects.count(), Department.objects.count()) == (26, 109)

    # Rows changed since the import get their values back, search vector included.
    Region.objects.filter(code="84").update(name="Rhône-Alpes")
    Department.objects.filter(code="42").update(name="Forez")
    Commune.objects.filter(code="42218").update(name="Saint-Étienne-la-Ville", postal_codes=["42999"], search_text="x")
    Commune.objects.filter(code="01001").update(latitude=None, longitude=None)
    assert "(0 créées, 2 modifiées, 0 supprimées)" in import_geo()
    assert snapshot() == before
    assert Region.objects.get(code="84").name == "Auvergne-Rhône-Alpes"
    assert Department.objects.get(code="42").name == "Loire"
    assert Commune.objects.get(code="42218").search_text == "saint etienne"

    # Communes no longer in the file go, unless something points to them.
    ain = Department.objects.get(code="01")
    unused = Commune.objects.create(code="01999", name="Ancienne commune", department=ain)
    used = Commune.objects.create(
        code="01998", name="Commune déléguée", department=ain, search_text=normalize("Commune déléguée")
    )
    company = CompanyFactory(commune=used)
    assert "(0 créées, 0 modifiées, 1 supprimées)" in import_geo()
    assert not Commune.objects.filter(pk=unused.pk).exists()
    company.refresh_from_db()
    assert company.commune_id == "01998"
    assert Commune.objects.count() == 34_970
    # A row the import did not write still gets its search vector.
    assert matches("01998", "deleguee")


def test_delete_unreferenced():
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    Department.objects.create(code="42", name="Loire", region=region)
    Region.objects.create(code="00", name="Région vide")

    assert delete_unreferenced(Region, {"00", "84", "99"}) == 1
    assert list(Region.objects.values_list("code", flat=True)) == ["84"]


def test_inconsistent_file_is_refused(tmp_path):
    (tmp_path / "regions.csv").write_text("code,name\n84,Auvergne-Rhône-Alpes\n")
    (tmp_path / "departments.csv").write_text("code,name,region\n42,Loire,84\n")
    with gzip.open(tmp_path / "communes.csv.gz", "wt") as file:
        file.write(
            "insee_code,name,department,region,postal_codes,population,latitude,longitude\n"
            "42218,Saint-Étienne,42,84,42000,173136,45.4,4.4\n"
            "69123,Lyon,69,84,69001,500000,45.7,4.8\n"
        )

    with pytest.raises(CommandError, match="Commune 69123 : département 69 inconnu ou hors de la région 84."):
        import_geo(data_dir=tmp_path)
    assert not Region.objects.exists()
    assert not Commune.objects.exists()
