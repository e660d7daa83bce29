"""Employer screens "Ma structure": overview for members, edition and antennes for admins."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from stdnum import luhn

from itou.companies.enums import CompanyKind, CompanySource
from itou.companies.models import Company, CompanyMembership
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

OVERVIEW_URL = reverse("companies:overview")
EDIT_URL = reverse("companies:edit")
ANTENNE_URL = reverse("companies:antenne_create")


@pytest.fixture
def admin():
    return ProfessionalFactory()


@pytest.fixture
def company(admin, lyon):
    return CompanyFactory(
        kind=CompanyKind.EI,
        name="SAS La Recyclerie",
        with_member=admin,
        commune=lyon,
        post_code="69007",
        address_line="1 rue Garibaldi",
    )


@pytest.fixture
def member(company):
    return CompanyMembershipFactory(company=company, is_admin=False).user


def antenne_siret(company, nic="0042"):
    body = company.siren + nic
    return body + luhn.calc_check_digit(body)


def public_info(**overrides):
    return {
        "brand": "La Recyclerie",
        "address_line": "3 rue Paul Bert",
        "post_code": "69100",
        "commune": "Villeurbanne (69)",
        "commune_code": "69266",
        "phone": "04 78 00 00 00",
        "email": "contact@recyclerie.example",
        "website": "recyclerie.example",
        "description": "Réemploi.",
    } | overrides


def antenne_data(company, **overrides):
    return {
        "siret": antenne_siret(company),
        "name": "La Recyclerie — Villeurbanne",
        "brand": "",
        "address_line": "3 rue Paul Bert",
        "post_code": "69100",
        "commune": "Villeurbanne (69)",
        "commune_code": "69266",
        "phone": "",
        "email": "",
        "description": "",
    } | overrides


def test_anonymous_is_sent_to_login(client, company):
    for url in (OVERVIEW_URL, EDIT_URL, ANTENNE_URL):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("factory", [JobSeekerFactory, ProfessionalFactory])
def test_non_members_get_404(client, company, factory):
    client.force_login(factory())
    for url in (OVERVIEW_URL, EDIT_URL, ANTENNE_URL):
        assert client.get(url).status_code == 404


def test_member_sees_the_overview_but_cannot_edit(client, company, member, villeurbanne):
    client.force_login(member)
    html = client.get(OVERVIEW_URL).content.decode()
    assert "SAS La Recyclerie" in html
    assert "Seuls les administrateurs de la structure peuvent modifier ces informations" in html
    assert EDIT_URL not in html and ANTENNE_URL not in html
    assert client.get(EDIT_URL).status_code == 404
    assert client.post(EDIT_URL, public_info()).status_code == 404
    assert client.post(ANTENNE_URL, antenne_data(company)).status_code == 404
    company.refresh_from_db()
    assert company.brand == ""
    assert Company.objects.count() == 1


def test_another_company_admin_edits_only_their_own(client, company, villeurbanne):
    other_admin = ProfessionalFactory()
    other = CompanyFactory(with_member=other_admin, name="Autre structure")
    client.force_login(other_admin)
    html = client.get(OVERVIEW_URL).content.decode()
    assert "Autre structure" in html and "SAS La Recyclerie" not in html
    client.post(EDIT_URL, public_info())
    company.refresh_from_db()
    other.refresh_from_db()
    assert company.brand == "" and other.brand == "La Recyclerie"


def test_admin_edits_public_info(client, admin, company, villeurbanne):
    client.force_login(admin)
    html = client.get(EDIT_URL).content.decode()
    assert 'value="Lyon (69)"' in html and 'data-autocomplete-url="/autocomplete/communes/"' in html
    assert 'name="siret"' not in html and 'name="kind"' not in html and 'name="name"' not in html

    response = client.post(EDIT_URL, public_info())
    assert response.status_code == 302 and response["Location"] == OVERVIEW_URL
    company.refresh_from_db()
    assert company.brand == "La Recyclerie"
    assert company.commune == villeurbanne and company.latitude == villeurbanne.latitude
    assert company.phone == "0478000000"
    assert company.website == "https://recyclerie.example"
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Les informations de votre structure sont à jour."]


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"commune": "Villeurbanne", "commune_code": ""}, "Villeurbanne"),  # resolved without JavaScript
        ({"commune": "Atlantide", "commune_code": ""}, "Choisissez la commune dans la liste"),
        ({"commune_code": "99999"}, "Cette commune est inconnue"),
        ({"post_code": "75001"}, "Ce code postal ne correspond pas à Villeurbanne"),
        ({"phone": "123"}, "Ce numéro de téléphone n&#x27;est pas valide"),
        ({"email": "nope"}, "Cette adresse e-mail n&#x27;est pas valide"),
        ({"address_line": ""}, "Indiquez l&#x27;adresse"),
    ],
)
def test_bad_public_info_shows_french_errors(client, admin, company, villeurbanne, overrides, message):
    client.force_login(admin)
    response = client.post(EDIT_URL, public_info(**overrides))
    company.refresh_from_db()
    if overrides.get("commune") == "Villeurbanne":
        assert response.status_code == 302 and company.commune == villeurbanne
        return
    assert response.status_code == 200
    assert message in response.content.decode()
    assert company.brand == ""


def test_admin_creates_an_antenne_and_acts_for_it(client, admin, company, villeurbanne):
    client.force_login(admin)
    html = client.get(ANTENNE_URL).content.decode()
    assert f"son SIRET commence par {company.siren}" in html

    response = client.post(ANTENNE_URL, antenne_data(company))
    assert response.status_code == 302
    antenne = Company.objects.get(parent=company)
    assert antenne.kind == CompanyKind.EI and antenne.source == CompanySource.USER_CREATED
    assert CompanyMembership.objects.get(company=antenne, user=admin).is_admin
    html = client.get(OVERVIEW_URL).content.decode()
    assert '<h2 class="fr-h3">La Recyclerie — Villeurbanne</h2>' in html
    assert "est une antenne de <strong>SAS La Recyclerie</strong>" in html


@pytest.mark.parametrize(
    "siret,message",
    [
        ("123", "14 chiffres"),
        ("12345678900011", "n&#x27;est pas valide"),
        ("73282932000074", "le SIRET doit commencer par"),
    ],
)
def test_antenne_siret_errors(client, admin, company, villeurbanne, siret, message):
    client.force_login(admin)
    response = client.post(ANTENNE_URL, antenne_data(company, siret=siret))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Company.objects.count() == 1


def test_antenne_with_an_existing_siret(client, admin, company, villeurbanne):
    client.force_login(admin)
    response = client.post(ANTENNE_URL, antenne_data(company, siret=company.siret))
    assert "Une structure de ce type existe déjà avec ce SIRET" in response.content.decode()
