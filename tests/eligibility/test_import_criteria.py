import io
import re

from django.core.management import call_command

from itou.eligibility.enums import AdministrativeCriteriaLevel, GEIQAnnex
from itou.eligibility.models import AdministrativeCriteria, GEIQAdministrativeCriteria


def import_criteria() -> str:
    stdout = io.StringIO()
    call_command("import_criteria", stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def test_import_criteria():
    output = import_criteria()

    assert re.fullmatch(
        r"Import des critères terminé en [\d.]+ s : 18 critères IAE \(18 créés\), 28 critères GEIQ \(28 créés\)\.\n",
        output,
    )
    assert AdministrativeCriteria.objects.count() == 18
    assert AdministrativeCriteria.objects.filter(level=AdministrativeCriteriaLevel.LEVEL_1).count() == 4
    rsa = AdministrativeCriteria.objects.get(kind="RSA")
    assert (rsa.name, rsa.level, rsa.written_proof, rsa.ui_rank) == (
        "Bénéficiaire du RSA",
        AdministrativeCriteriaLevel.LEVEL_1,
        "Attestation RSA",
        1,
    )

    assert GEIQAdministrativeCriteria.objects.count() == 28
    geiq_rsa = GEIQAdministrativeCriteria.objects.select_related("parent").get(kind="RSA")
    assert geiq_rsa.parent.kind == "MINIMA"
    assert (geiq_rsa.annex, geiq_rsa.api_code, geiq_rsa.slug) == (GEIQAnnex.ANNEX_2, "RSA", "beneficiaire-du-rsa")
    assert set(GEIQAdministrativeCriteria.objects.get(kind="FT").children.values_list("kind", flat=True)) == {
        "DETLD",
        "DELD",
        "DELD_12",
    }
    assert GEIQAdministrativeCriteria.objects.get(kind="MINIMA").level == ""


def test_import_criteria_twice_updates_in_place():
    import_criteria()
    ids = dict(AdministrativeCriteria.objects.values_list("kind", "pk"))
    geiq_ids = dict(GEIQAdministrativeCriteria.objects.values_list("kind", "pk"))
    AdministrativeCriteria.objects.filter(kind="RSA").update(name="RSA", ui_rank=99)
    GEIQAdministrativeCriteria.objects.filter(kind="RSA").update(parent=None, annex=GEIQAnnex.NO_ANNEX)

    output = import_criteria()

    assert "18 critères IAE (0 créés), 28 critères GEIQ (0 créés)" in output
    assert dict(AdministrativeCriteria.objects.values_list("kind", "pk")) == ids
    assert dict(GEIQAdministrativeCriteria.objects.values_list("kind", "pk")) == geiq_ids
    rsa = AdministrativeCriteria.objects.get(kind="RSA")
    assert (rsa.name, rsa.ui_rank) == ("Bénéficiaire du RSA", 1)
    geiq_rsa = GEIQAdministrativeCriteria.objects.get(kind="RSA")
    assert (geiq_rsa.parent.kind, geiq_rsa.annex) == ("MINIMA", GEIQAnnex.ANNEX_2)
