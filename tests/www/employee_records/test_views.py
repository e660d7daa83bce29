"""Employer screens of employee records: owner and outsider for each view."""

import datetime
import html

import pytest
from django.urls import reverse

from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord
from tests.companies.factories import CompanyFactory
from tests.employee_records.factories import asp_reference_data, complete_record, hire_with_pass, member_of
from tests.www.applications.conftest import login


def page(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def record():
    return complete_record()


def _login_owner(client, company):
    return login(client, member_of(company), company)


LIST_QUERIES = 7


def test_list_shows_records_hires_and_rejection_advice_with_constant_queries(client, django_assert_num_queries):
    record = complete_record(status=Status.REJECTED, asp_code="3417", asp_label="Commune inconnue")
    company = record.company
    hire = hire_with_pass(company)
    complete_record(approval_hire=hire_with_pass(CompanyFactory(with_member=True)))  # another company's
    _login_owner(client, company)
    url = reverse("employee_records:list")
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    assert record.approval.display_number in page(response)
    assert hire.approval.display_number in page(response)
    assert "Erreur 3417 : La commune de résidence est inconnue" in page(response)
    assert "adresse postale de votre structure" in page(response)
    assert page(response).count("PASS IAE n°") == 2
    for status in (Status.NEW, Status.PROCESSED, Status.SENT):
        complete_record(status=status, approval_hire=hire_with_pass(company))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(url)
    assert page(response).count("PASS IAE n°") == 5


def test_list_filters_and_search(client):
    first = complete_record(status=Status.NEW)
    second = complete_record(status=Status.PROCESSED, approval_hire=hire_with_pass(first.company))
    _login_owner(client, first.company)
    url = reverse("employee_records:list")
    response = client.get(url, {"status": "PROCESSED"})
    assert second.approval.display_number in page(response) and first.approval.display_number not in page(response)
    response = client.get(url, {"q": first.approval.number[-6:]})
    assert first.approval.display_number in page(response) and second.approval.display_number not in page(response)
    response = client.get(url, {"q": second.job_application.job_seeker.last_name})
    assert second.approval.display_number in page(response)


def test_company_without_convention_or_of_another_kind_gets_404(client):
    company = CompanyFactory(with_member=True, source="STAFF_CREATED")
    _login_owner(client, company)
    assert client.get(reverse("employee_records:list")).status_code == 404
    geiq = CompanyFactory(with_member=True, kind="GEIQ")
    _login_owner(client, geiq)
    assert client.get(reverse("employee_records:list")).status_code == 404


def test_other_company_gets_404_everywhere(client, record):
    outsider = CompanyFactory(with_member=True)
    _login_owner(client, outsider)
    for step in range(1, 6):
        assert client.get(reverse("employee_records:step", args=[record.pk, step])).status_code == 404
    assert client.post(reverse("employee_records:disable", args=[record.pk])).status_code == 404
    assert client.post(reverse("employee_records:enable", args=[record.pk])).status_code == 404
    hire = hire_with_pass(record.company)
    assert client.post(reverse("employee_records:create", args=[hire.pk])).status_code == 404
    assert not EmployeeRecord.objects.filter(approval=hire.approval).exists()


def test_anonymous_is_sent_to_login(client, record):
    response = client.get(reverse("employee_records:list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_create_prefills_from_the_profile_then_five_steps_to_ready(client):
    asp_reference_data()
    hire = hire_with_pass()
    company = hire.company
    profile = hire.job_application.job_seeker.jobseeker_profile
    profile.address_line = "3 bis rue du Moulin"
    profile.save()
    _login_owner(client, company)
    response = client.post(reverse("employee_records:create", args=[hire.pk]))
    record = EmployeeRecord.objects.get()
    assert response["Location"] == reverse("employee_records:step", args=[record.pk, 1])
    assert record.status == Status.NEW
    assert (record.lane_number, record.lane_extension, record.lane_type, record.lane_name) == (
        "3",
        "B",
        "RUE",
        "du Moulin",
    )
    assert record.nir == profile.nir and record.education_level == profile.education_level
    # Twice: refused, nothing more.
    assert client.post(reverse("employee_records:create", args=[hire.pk])).status_code == 404
    step = lambda n: reverse("employee_records:step", args=[record.pk, n])  # noqa: E731
    response = client.post(
        step(1),
        {
            "civility": "MME", "last_name": "Dupont", "first_name": "Marie", "birthdate": "1990-02-01",
            "birth_country": "100", "birth_commune": "Atlantis", "nir": "", "ntt": "",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "Nous ne trouvons pas cette commune de naissance" in page(response)
    assert "Indiquez le numéro de sécurité sociale ou, à défaut, le NTT." in page(response)
    # A commune that no longer existed on the birth date is refused.
    response = client.post(
        step(1),
        {
            "civility": "MME", "last_name": "Dupont", "first_name": "Marie", "birthdate": "2001-02-01",
            "birth_country": "100", "birth_commune": "01004", "nir": "", "ntt": "2" + company.siren + "AB12",
        },
    )  # fmt: skip
    assert "Aucune commune de naissance n'existe à cette date de naissance avec le code INSEE 01004." in page(response)
    response = client.post(
        step(1),
        {
            "civility": "MME", "last_name": "Dupont", "first_name": "Marie", "birthdate": "1990-02-01",
            "birth_country": "100", "birth_commune": "strasbourg", "nir": "", "ntt": "2" + company.siren + "AB12",
        },
    )  # fmt: skip
    assert response["Location"] == step(2)
    record.refresh_from_db()
    assert (record.birth_commune_code, record.ntt, record.nir) == ("67482", "2" + company.siren + "AB12", "")
    response = client.post(
        step(2),
        {"lane_number": "", "lane_extension": "B", "lane_type": "XYZ", "lane_name": "du Moulin", "post_code": "67000", "commune": "67482"},
    )  # fmt: skip
    assert "Indiquez le numéro : une extension (bis, ter…) va avec un numéro." in page(response)
    assert "Sélectionnez un choix valide" in page(response)
    response = client.post(
        step(2),
        {"lane_number": "3", "lane_extension": "B", "lane_type": "RUE", "lane_name": "du Moulin", "post_code": "67000", "commune": "67482"},
    )  # fmt: skip
    assert response["Location"] == step(3)
    response = client.post(step(3), {"education_level": "", "rsa": "OUI-M"})
    assert "Indiquez depuis quand la personne perçoit le RSA." in page(response)
    response = client.post(
        step(3), {"education_level": "40", "rsa": "OUI-M", "rsa_since": "02", "unemployed_since": "03"}
    )
    assert response["Location"] == step(4)
    response = client.post(step(4), {"financial_annex_number": "n'importe quoi"})
    assert "n'a pas le bon format" in page(response)
    response = client.post(step(4), {"financial_annex_number": "ACI051170013A0M1"})
    assert response["Location"] == step(5)
    response = client.get(step(5))
    assert "La fiche est incomplète" not in page(response)
    response = client.post(step(5))
    assert response["Location"] == reverse("employee_records:list")
    record.refresh_from_db()
    assert record.status == Status.READY
    assert [log.transition for log in record.logs.all()] == ["ready"]
    # READY: read-only.
    response = client.post(step(1), {"civility": "M"})
    assert response.status_code == 302 and response["Location"] == step(5)
    record.refresh_from_db()
    assert record.civility == "MME"


def test_incomplete_record_cannot_be_validated(client):
    record = complete_record(education_level="")
    _login_owner(client, record.company)
    url = reverse("employee_records:step", args=[record.pk, 5])
    assert "Il manque : niveau de formation." in page(client.get(url))
    response = client.post(url, follow=True)
    assert "La fiche salarié est incomplète : niveau de formation." in page(response)
    record.refresh_from_db()
    assert record.status == Status.NEW


def test_future_hire_cannot_be_validated(client):
    hire = hire_with_pass(start_at=datetime.date.today() + datetime.timedelta(days=5))
    hire.job_application.hiring_start_at = hire.hiring_start_at = datetime.date.today() + datetime.timedelta(days=5)
    hire.job_application.save()
    record = complete_record(approval_hire=hire)
    _login_owner(client, record.company)
    response = client.post(reverse("employee_records:step", args=[record.pk, 5]), follow=True)
    assert "qu'à partir de la date de début du contrat" in page(response)
    assert EmployeeRecord.objects.get().status == Status.NEW


def test_disable_then_enable(client):
    record = complete_record(status=Status.PROCESSED)
    _login_owner(client, record.company)
    response = client.post(reverse("employee_records:disable", args=[record.pk]), follow=True)
    assert "La fiche salarié a bien été désactivée." in page(response)
    record.refresh_from_db()
    assert record.status == Status.DISABLED
    response = client.post(reverse("employee_records:enable", args=[record.pk]), follow=True)
    assert "La fiche salarié a bien été réactivée." in page(response)
    record.refresh_from_db()
    assert record.status == Status.NEW
    # Enable again: a clear message, nothing changed.
    response = client.post(reverse("employee_records:enable", args=[record.pk]), follow=True)
    assert "n'est plus possible" in page(response)


def test_processed_record_sent_again(client):
    record = complete_record(status=Status.PROCESSED)
    _login_owner(client, record.company)
    response = client.post(reverse("employee_records:step", args=[record.pk, 5]), follow=True)
    assert "La fiche salarié a été renvoyée." in page(response)
    assert EmployeeRecord.objects.get().status == Status.READY


def test_antenna_sends_the_convention_siret(client):
    parent = CompanyFactory()
    antenna = CompanyFactory(with_member=True, parent=parent, source="USER_CREATED")
    hire = hire_with_pass(antenna)
    asp_reference_data()
    _login_owner(client, antenna)
    client.post(reverse("employee_records:create", args=[hire.pk]))
    assert EmployeeRecord.objects.get().asp_siret == parent.siret


def test_dashboard_card_counts(client):
    record = complete_record(status=Status.REJECTED)
    company = record.company
    _login_owner(client, company)
    response = client.get(reverse("dashboard:index"))
    assert "Fiches salarié ASP" in page(response) and "1 fiche rejetée" in page(response)
    record.status = Status.PROCESSED
    record.save()
    complete_record(approval_hire=hire_with_pass(company))
    hire_with_pass(company)
    hire_with_pass(company)
    response = client.get(reverse("dashboard:index"))
    assert "3 fiches à compléter" in page(response)


def test_eiti_situation_asks_the_independent_worker_fields(client):
    company = CompanyFactory(with_member=True, kind="EITI")
    record = complete_record(approval_hire=hire_with_pass(company))
    _login_owner(client, company)
    url = reverse("employee_records:step", args=[record.pk, 3])
    response = client.post(url, {"education_level": "40", "rsa": "NON", "mean_monthly_income": "100000"})
    text = page(response)
    assert "acteur de la création d'entreprise" in text.lower()
    assert "5 chiffres avant la virgule" in text
    response = client.post(
        url,
        {
            "education_level": "40",
            "rsa": "NON",
            "business_creator_name": "Couveuse du Rhône",
            "mean_monthly_income": "850.5",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.business_creator_name == "Couveuse du Rhône" and str(record.mean_monthly_income) == "850.50"


def test_siret_change_is_announced_in_the_list(client):
    parent = CompanyFactory()
    antenna = CompanyFactory(with_member=True, parent=parent, source="USER_CREATED")
    complete_record(status=Status.PROCESSED, approval_hire=hire_with_pass(antenna))
    antenna.parent = CompanyFactory()
    antenna.save()
    _login_owner(client, antenna)
    assert "Actualisation du numéro SIRET" in page(client.get(reverse("employee_records:list")))
