import io
import re

from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command

from itou.jobs.models import Appellation, Rome, RomeDomain


def import_rome() -> str:
    stdout = io.StringIO()
    call_command("import_rome", stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Appellation.objects.order_by("code").values_list("code", "name", "rome", "search_text", "search_vector")
    )


# One test for the whole story, so that xdist does not pay for the import on both workers.
def test_import_rome():
    output = import_rome()

    assert re.fullmatch(
        r"Import ROME terminé en [\d.]+ s : 14 grands domaines, 532 fiches ROME, 11061 appellations "
        r"\(11061 créées, 0 mises à jour, 0 absentes du fichier conservées\)\.\n",
        output,
    )
    assert list(RomeDomain.objects.values_list("code", flat=True)) == list("ABCDEFGHIJKLMN")
    assert RomeDomain.objects.get(code="G").name == "Hôtellerie-Restauration, Tourisme, Loisirs et Animation"
    assert Rome.objects.count() == 532
    assert Appellation.objects.count() == 11_061
    rome = Rome.objects.get(code="D1102")
    assert (rome.name, rome.domain_id) == ("Boulangerie - viennoiserie", "D")
    appellation = Appellation.objects.get(name="Boulanger / Boulangère")
    assert (appellation.code, appellation.rome_id, appellation.search_text) == (
        "11573",
        "D1102",
        "boulanger boulangere",
    )
    for word in ["boulangere", "d1102"]:
        assert Appellation.objects.filter(pk="11573", search_vector=SearchQuery(word, config="simple")).exists()
    assert not Appellation.objects.filter(search_vector__isnull=True).exists()

    # Importing again: same rows, changed names restored, retired appellations kept.
    before = snapshot()
    RomeDomain.objects.filter(code="D").update(name="Commerce")
    Rome.objects.filter(code="D1102").update(name="Boulangerie")
    Appellation.objects.filter(code="11573").update(name="Boulanger", search_text="boulanger", search_vector=None)
    Appellation.objects.create(code="99999", name="Métier disparu", rome=rome)

    output = import_rome()

    assert "(0 créées, 11061 mises à jour, 1 absentes du fichier conservées)" in output
    assert (RomeDomain.objects.count(), Rome.objects.count(), Appellation.objects.count()) == (14, 532, 11_062)
    assert RomeDomain.objects.get(code="D").name == "Commerce, Vente et Grande distribution"
    assert Rome.objects.get(code="D1102").name == "Boulangerie - viennoiserie"
    assert [row for row in snapshot() if row[0] != "99999"] == before
