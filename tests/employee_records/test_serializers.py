import datetime
import json
from decimal import Decimal

from itou.employee_records import serializers
from tests.companies.factories import CompanyFactory
from tests.employee_records.factories import complete_record, hire_with_pass
from tests.job_applications.factories import JobApplicationFactory  # noqa: F401

PERSON_KEYS = [
    "passIae", "idItou", "civilite", "nomUsage", "nomNaissance", "prenom", "dateNaissance", "codeComInsee",
    "codeInseePays", "codeGroupePays", "passDateDeb", "passDateFin", "salarieNIR", "sufPassIae",
]  # fmt: skip
ADDRESS_KEYS = [
    "adrTelephone", "adrMail", "adrNumeroVoie", "codeextensionvoie", "codetypevoie", "adrLibelleVoie",
    "adrCpltDistribution", "codeinseecom", "codepostalcedex",
]  # fmt: skip


def test_record_line_has_the_asp_fields_and_formats():
    record = complete_record(first_name="Marie-Hélène", last_name="Dupont Lefèvre", address_complement="Bât. (A)")
    line = serializers.record_line(record, 1)
    assert list(line) == [
        "numLigne", "typeMouvement", "siret", "mesure", "personnePhysique", "adresse", "situationSalarie",
        "codeTraitement", "libelleTraitement",
    ]  # fmt: skip
    assert line["numLigne"] == 1 and line["typeMouvement"] == "C"
    assert line["siret"] == record.company.siret and line["mesure"] == "ACI_DC"
    person = line["personnePhysique"]
    assert list(person) == PERSON_KEYS
    assert person["passIae"] == record.approval.number and len(person["passIae"]) == 12
    assert len(person["idItou"]) == 30 and int(person["idItou"], 16) >= 0
    assert person["nomUsage"] == "DUPONT LEFEVRE"
    assert person["prenom"] == "MARIE-HELENE"
    assert person["dateNaissance"] == "01/02/1990"
    assert person["codeComInsee"] == {"codeComInsee": "67482", "codeDpt": "067"}
    assert (person["codeInseePays"], person["codeGroupePays"]) == ("100", "1")
    assert person["passDateDeb"] == record.approval.start_at.strftime("%d/%m/%Y")
    assert person["salarieNIR"] == "290026748212382"
    assert person["nomNaissance"] is None and person["sufPassIae"] is None
    address = line["adresse"]
    assert list(address) == ADDRESS_KEYS
    assert (address["adrNumeroVoie"], address["codeextensionvoie"], address["codetypevoie"]) == ("3", "B", "RUE")
    assert address["adrLibelleVoie"] == "DU MOULIN"
    assert address["adrCpltDistribution"] is None  # "." and parentheses: not ASP-safe
    assert (address["codeinseecom"], address["codepostalcedex"]) == ("67482", "67000")
    situation = line["situationSalarie"]
    assert situation["orienteur"] == "07"
    assert situation["niveauFormation"] == "40"
    assert situation["salarieEnEmploi"] is False and situation["salarieTypeEmployeur"] is None
    assert situation["salarieSansEmploiDepuis"] == "02"
    assert situation["salarieBenefRSA"] == "NON" and situation["salarieBenefRSADepuis"] is None
    assert situation["salarieBenefARE"] is None and situation["revenuMensuelMoyenTI"] is None
    assert line["codeTraitement"] is None and line["libelleTraitement"] is None


def test_employed_person_gets_the_hiring_company_kind():
    record = complete_record(unemployed_since="")
    situation = serializers.record_line(record, 1)["situationSalarie"]
    assert situation["salarieEnEmploi"] is True and situation["salarieTypeEmployeur"] == "04"


def test_born_abroad_and_overseas_collectivity():
    abroad = complete_record(birth_country_id="102", birth_commune_code="")
    person = serializers.record_line(abroad, 1)["personnePhysique"]
    assert person["codeComInsee"] == {"codeComInsee": None, "codeDpt": "099"}
    assert (person["codeInseePays"], person["codeGroupePays"]) == ("102", "3")
    noumea = complete_record(birth_commune_code="98818")
    person = serializers.record_line(noumea, 1)["personnePhysique"]
    assert person["codeComInsee"] == {"codeComInsee": None, "codeDpt": "099"}
    assert person["codeInseePays"] == "818"


def test_first_name_cut_at_30_on_a_word_and_ntt_when_no_nir():
    record = complete_record(first_name="Jean-Christophe Marie-Alexandre Emmanuel", nir="", ntt="1123456789ABC")
    person = serializers.record_line(record, 1)["personnePhysique"]
    assert person["prenom"] == "JEAN-CHRISTOPHE"
    assert len(person["prenom"]) <= 30
    assert person["salarieNIR"] == "1123456789ABC"


def test_eiti_fields():
    company = CompanyFactory(with_member=True, kind="EITI")
    record = complete_record(
        approval_hire=hire_with_pass(company),
        business_creator_name="Réseau d'entrepreneurs",
        mean_monthly_income=Decimal("12345.6"),
        oeth=True,
        are=True,
        are_since="03",
    )
    line = serializers.record_line(record, 1)
    situation = line["situationSalarie"]
    assert line["mesure"] == "EITI_DC"
    assert situation["revenuMensuelMoyenTI"] == "12345,60"
    assert situation["nomActeurCreationEntr"] == "RESEAU D'ENTREPRENEURS"
    assert situation["cotisationsTI"] == "06"
    assert situation["salarieOETH"] is False
    assert (situation["salarieBenefARE"], situation["salarieBenefAREDepuis"]) == (True, "03")
    assert situation["salarieBenefCAPE"] is False


def test_prescriber_orienteur():
    record = complete_record()
    application = record.job_application
    from tests.prescribers.factories import PrescriberOrganizationFactory

    application.sender_kind = "prescriber"
    application.sender_prescriber_organization = PrescriberOrganizationFactory(kind="FT", authorized=True)
    assert serializers.orienteur(application) == "03"
    application.sender_prescriber_organization = PrescriberOrganizationFactory(
        kind="E2C", authorization_status="VALIDATED"
    )
    assert serializers.orienteur(application) == "06"
    application.sender_prescriber_organization = PrescriberOrganizationFactory(kind="OTHER", authorized=False)
    assert serializers.orienteur(application) == "08"


def test_notification_placeholders_when_data_is_missing():
    record = complete_record(birth_country_id=None, birth_commune_code="", lane_type="", education_level="", nir="")
    line = serializers.record_line(record, 4, movement="M")
    assert line["typeMouvement"] == "M" and line["numLigne"] == 4
    person = line["personnePhysique"]
    assert (person["codeInseePays"], person["codeGroupePays"]) == ("102", "3")
    assert person["salarieNIR"].startswith("2130030133") and len(person["salarieNIR"]) == 40
    assert line["adresse"]["codetypevoie"] == "AV" and line["adresse"]["codeinseecom"] == "57463"
    assert line["situationSalarie"]["niveauFormation"] == "00"


def test_document_is_compact_utf8_json():
    record = complete_record()
    data = serializers.dumps(serializers.document([serializers.record_line(record, 1)]))
    assert data.startswith(b'{"msgInformatif":null,"telId":null,"lignesTelechargement":[{"numLigne":1,')
    assert json.loads(data)["lignesTelechargement"][0]["mesure"] == "ACI_DC"


def test_id_itou_is_stable_per_person():
    assert serializers.id_itou(42) == serializers.id_itou(42) != serializers.id_itou(43)


def test_dates_format():
    assert serializers.asp_date(datetime.date(2026, 3, 1)) == "01/03/2026"
