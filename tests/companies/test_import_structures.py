"""manage.py import_structures: official lists of employers (ASP, GEIQ, EA) from a CSV file."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from itou.companies.enums import CompanyKind, CompanySource
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD, Company
from itou.geo.models import Commune, Department, Region
from tests.companies.factories import CompanyFactory

FIXTURES = Path(__file__).parent / "fixtures"
DEMO_FILE = Path(__file__).resolve().parents[2] / "itou" / "companies" / "data" / "demo_structures.csv"
HEADER = "siret,kind,name,address_line,post_code,insee_code,official_email,convention_start_date,convention_end_date"
# The communes of the fixtures and of the demo file: code, name, department, latitude, longitude.
COMMUNES = [
    ("69123", "Lyon", "69", 45.76851, 4.82356),
    ("69266", "Villeurbanne", "69", 45.77067, 4.89016),
    ("69256", "Vaulx-en-Velin", "69", 45.78019, 4.91417),
    ("69259", "Vénissieux", "69", 45.70628, 4.87832),
    ("69029", "Bron", "69", 45.73515, 4.90764),
    ("59350", "Lille", "59", 50.63443, 3.04764),
    ("59512", "Roubaix", "59", 50.68731, 3.18327),
    ("59183", "Dunkerque", "59", 51.03455, 2.33863),
    ("59606", "Valenciennes", "59", 50.36264, 3.51952),
    ("93066", "Saint-Denis", "93", 48.93551, 2.36937),
    ("93048", "Montreuil", "93", 48.86349, 2.45005),
    ("93055", "Pantin", "93", 48.89957, 2.41061),
    ("93008", "Bobigny", "93", 48.91102, 2.44597),
]
SIRET_ACI = "61234560300015"


@pytest.fixture(autouse=True)
def communes():
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    for code, name in {"69": "Rhône", "59": "Nord", "93": "Seine-Saint-Denis"}.items():
        Department.objects.create(code=code, name=name, region=region)
    Commune.objects.bulk_create(
        [
            Commune(code=code, name=name, department_id=department, latitude=latitude, longitude=longitude)
            for code, name, department, latitude, longitude in COMMUNES
        ]
    )


def run(path, *args) -> str:
    stdout = io.StringIO()
    call_command("import_structures", str(path), *args, stdout=stdout, stderr=io.StringIO())
    return stdout.getvalue()


def write(tmp_path, *lines, name="structures.csv", header=HEADER, encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding=encoding)
    return path


def snapshot() -> list[tuple]:
    return list(
        Company.objects.order_by("siret", "kind").values_list(
            "siret",
            "kind",
            "name",
            "address_line",
            "post_code",
            "commune_id",
            "latitude",
            "longitude",
            "official_email",
            "convention_start_date",
            "convention_end_date",
            "is_active",
            "source",
            "updated_at",
        )
    )


def days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def test_good_file_creates_the_structures():
    output = run(FIXTURES / "structures_ok.csv")

    assert output.startswith("Import terminé en ")
    assert output.endswith(
        ": 5 structure(s) dans le fichier, 5 créée(s), 0 mise(s) à jour, 0 fermée(s), 0 inchangée(s).\n"
    )
    aci = Company.objects.get(siret=SIRET_ACI, kind=CompanyKind.ACI)
    assert aci.name == "Atelier Vert"
    assert aci.address_line == "1 rue de la Part-Dieu"
    assert aci.post_code == "69003"
    assert aci.commune_id == "69123"
    # Coordinates from the commune.
    assert (aci.latitude, aci.longitude) == (45.76851, 4.82356)
    assert aci.official_email == "contact@atelier-vert.fr"
    assert aci.convention_start_date == datetime.date(2024, 1, 1)
    assert aci.convention_end_date == datetime.date(2030, 12, 31)
    assert aci.is_active
    assert aci.source == CompanySource.ASP
    # Same SIRET, another kind: another structure (spaces in the SIRET are fine).
    assert Company.objects.get(siret=SIRET_ACI, kind=CompanyKind.AI).name == "Atelier Vert Services"
    geiq = Company.objects.get(kind=CompanyKind.GEIQ)
    assert (geiq.source, geiq.name, geiq.convention_end_date) == (CompanySource.GEIQ, "GEIQ Métiers du Nord", None)
    ea = Company.objects.get(kind=CompanyKind.EA)  # "ea" in the file
    assert ea.source == CompanySource.EA_EATT
    etti = Company.objects.get(kind=CompanyKind.ETTI)
    # Spaces tidied; a quoted comma; dates as DD/MM/YYYY.
    assert etti.name == "Intérim Solidaire"
    assert etti.address_line == "4, rue de Paris"
    assert etti.convention_end_date == datetime.date(2030, 12, 31)


def test_second_run_changes_nothing():
    run(FIXTURES / "structures_ok.csv")
    before = snapshot()

    output = run(FIXTURES / "structures_ok.csv")

    assert output.endswith(
        ": 5 structure(s) dans le fichier, 0 créée(s), 0 mise(s) à jour, 0 fermée(s), 5 inchangée(s).\n"
    )
    assert snapshot() == before


def test_updates_existing_structures_by_siret_and_kind(tmp_path):
    geocoded = CompanyFactory(
        siret=SIRET_ACI,
        kind=CompanyKind.ACI,
        name="Ancien nom",
        commune_id="69123",
        latitude=45.7601,  # geocoded at its address: kept while the commune stays
        longitude=4.8590,
        source=CompanySource.STAFF_CREATED,
        brand="Enseigne gardée",
    )
    moved = CompanyFactory(
        siret="61234561100018", kind=CompanyKind.GEIQ, commune_id="69123", latitude=45.76851, longitude=4.82356
    )
    path = write(
        tmp_path,
        f"{SIRET_ACI},ACI,Atelier Vert,1 rue de la Part-Dieu,69003,69123,,2024-01-01,2030-12-31",
        "61234561100018,GEIQ,GEIQ Métiers du Nord,2 place du Théâtre,59000,59350,,,",
    )

    output = run(path)

    assert "0 créée(s), 2 mise(s) à jour, 0 fermée(s), 0 inchangée(s)." in output
    geocoded.refresh_from_db()
    assert geocoded.name == "Atelier Vert"
    assert geocoded.brand == "Enseigne gardée"
    assert (geocoded.latitude, geocoded.longitude) == (45.7601, 4.8590)
    assert geocoded.source == CompanySource.ASP
    moved.refresh_from_db()
    assert moved.commune_id == "59350"
    assert (moved.latitude, moved.longitude) == (50.63443, 3.04764)


def test_bad_siret_key_changes_nothing():
    existing = CompanyFactory(siret=SIRET_ACI, kind=CompanyKind.ACI, name="Inchangé")
    before = snapshot()

    with pytest.raises(CommandError) as error:
        run(FIXTURES / "structures_errors.csv")

    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.name == "Inchangé"
    message = str(error.value)
    assert message.startswith(
        "Le fichier contient 9 erreurs : rien n'a été modifié. Corrigez-les puis relancez l'import.\n"
    )
    assert message.splitlines()[1:] == [
        "  Ligne 3 : SIRET « 61234565200013 » : la clé de contrôle est fausse (vérifiez les chiffres).",
        "  Ligne 4 : SIRET « 123 » : il doit comporter 14 chiffres.",
        "  Ligne 5 : type « OPCS » inconnu (types acceptés : EI, AI, ACI, ETTI, EITI, GEIQ, EA, EATT).",
        "  Ligne 6 : commune « 99999 » inconnue (code Insee attendu, par exemple 69123 pour Lyon) ; "
        "adresse e-mail « pas-une-adresse » invalide.",
        "  Ligne 7 : date de début de convention « 2024-13-01 » invalide (AAAA-MM-JJ ou JJ/MM/AAAA).",
        "  Ligne 8 : la convention finit (31/12/2024) avant de commencer (01/01/2030).",
        "  Ligne 9 : le nom est obligatoire ; code postal « 6900 » : 5 chiffres attendus.",
        "  Ligne 10 : la structure SIRET 61234560300015 de type ACI figure déjà ligne 2.",
        "  Ligne 11 : nombre de colonnes incorrect (9 attendues).",
    ]


def test_duplicate_rows_in_the_file_change_nothing(tmp_path):
    path = write(
        tmp_path,
        f"{SIRET_ACI},ACI,Atelier Vert,,69003,69123,,,",
        f"{SIRET_ACI},AI,Autre type : pas un doublon,,69003,69123,,,",
        f"{SIRET_ACI[:3]} {SIRET_ACI[3:6]} {SIRET_ACI[6:]},aci,Le même écrit autrement,,69003,69123,,,",
    )
    with pytest.raises(
        CommandError, match=r"Ligne 4 : la structure SIRET 61234560300015 de type ACI figure déjà ligne 2\."
    ):
        run(path)
    assert not Company.objects.exists()


def test_closing_after_the_grace_period(tmp_path):
    grace = SIAE_CONVENTION_GRACE_PERIOD.days
    in_grace = CompanyFactory(siret="61234560300015", kind=CompanyKind.ACI, name="Dans le délai de grâce")
    to_close = CompanyFactory(siret="61234561100018", kind=CompanyKind.EI, name="À fermer")
    renewed = CompanyFactory(siret="61234562900010", kind=CompanyKind.AI, name="Renouvelée", is_active=False)
    # Not in the file any more: closed too once its stored convention is over.
    gone = CompanyFactory(
        siret="61234564500016", kind=CompanyKind.ETTI, name="Disparue", convention_end_date=days_ago(grace + 5)
    )
    gone_recently = CompanyFactory(
        siret="61234564500016", kind=CompanyKind.EI, name="Disparue récemment", convention_end_date=days_ago(3)
    )
    # Another list, or no list at all: not this import's business.
    staff = CompanyFactory(
        siret="61234564500016",
        kind=CompanyKind.OPCS,
        source=CompanySource.STAFF_CREATED,
        convention_end_date=days_ago(400),
    )
    path = write(
        tmp_path,
        f"61234560300015,ACI,Dans le délai de grâce,,69003,69123,,2020-01-01,{days_ago(grace)}",
        f"61234561100018,EI,À fermer,,69003,69123,,2020-01-01,{days_ago(grace + 1)}",
        f"61234562900010,AI,Renouvelée,,69003,69123,,2020-01-01,{days_ago(-365)}",
        f"61234563700013,ETTI,Nouvelle mais expirée,,93100,93048,,2020-01-01,{days_ago(grace + 1)}",
    )

    output = run(path)

    assert "4 structure(s) dans le fichier, 1 créée(s), 2 mise(s) à jour, 2 fermée(s), 0 inchangée(s)." in output
    for company in (in_grace, to_close, renewed, gone, gone_recently, staff):
        company.refresh_from_db()
    assert in_grace.is_active
    assert not to_close.is_active
    assert renewed.is_active
    assert not gone.is_active
    assert gone_recently.is_active
    assert staff.is_active
    assert not Company.objects.get(name="Nouvelle mais expirée").is_active
    assert set(Company.objects.active().values_list("name", flat=True)) == {
        "Dans le délai de grâce",
        "Renouvelée",
        "Disparue récemment",
    }

    # Idempotent: a second run closes nothing more.
    assert "0 créée(s), 0 mise(s) à jour, 0 fermée(s), 4 inchangée(s)." in run(path)


def test_semicolons_bom_and_blank_lines(tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(
        "\ufeff" + HEADER.replace(",", ";") + "\r\n"
        f"{SIRET_ACI};ACI;Atelier Vert;1 rue Centrale;69003;69123;;01/01/2024;31/12/2030\r\n"
        "\r\n",
        encoding="utf-8",
    )
    assert "1 créée(s)" in run(path)
    assert Company.objects.get().convention_end_date == datetime.date(2030, 12, 31)


@pytest.mark.parametrize(
    "content,message",
    [
        ("", "Le fichier est vide"),
        ("siret,kind,name\n", "Colonnes manquantes dans l'en-tête : address_line, post_code, insee_code"),
    ],
)
def test_unusable_files(tmp_path, content, message):
    path = tmp_path / "structures.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(path)


def test_file_not_found_or_not_utf8(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run(tmp_path / "absent.csv")
    path = write(tmp_path, f"{SIRET_ACI},ACI,Entreprise Économique,,69003,69123,,,", encoding="latin-1")
    with pytest.raises(CommandError, match="encodé en UTF-8"):
        run(path)


def test_dry_run_writes_nothing():
    output = run(FIXTURES / "structures_ok.csv", "--dry-run")
    assert output.startswith("Vérification terminée (rien n'a été enregistré)")
    assert "5 créée(s)" in output
    assert not Company.objects.exists()


def test_demo_file():
    output = run(DEMO_FILE)
    assert "12 structure(s) dans le fichier, 12 créée(s)" in output
    assert Company.objects.count() == 12
    # One ETTI of the demo list lost its convention long ago: loaded, but closed.
    assert list(Company.objects.filter(is_active=False).values_list("name", flat=True)) == [
        "Tremplin Intérim Valenciennes"
    ]
    assert set(Company.objects.values_list("commune__department_id", flat=True)) == {"69", "59", "93"}
    assert not Company.objects.filter(latitude__isnull=True).exists()
    assert "12 inchangée(s)" in run(DEMO_FILE)
