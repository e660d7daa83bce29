"""Signup of professionals: the entry page, employers (SIRET → link to the official email
→ account), prescribers (join or create an organization)."""

from html import unescape

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from itou.companies.enums import CompanyKind
from itou.geo.models import Commune
from itou.invitations.enums import JoinRequestStatus
from itou.invitations.models import CompanySignupLink, JoinRequest, SupportRequest
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberOrganization
from itou.users.enums import UserKind
from itou.users.models import User
from itou.www.signup import views as signup_views
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory, siret_for
from tests.helpers import extract_link, last_email_to
from tests.institutions.factories import DepartmentFactory
from tests.invitations.conftest import sending_block
from tests.invitations.factories import make_signup_link
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

PASSWORD = "Un-mot-de-passe-solide-2026"
EMPLOYER_URL = reverse("signup:employer_siret")
PRESCRIBER_URL = reverse("signup:prescriber_siret")
CREATE_URL = reverse("signup:prescriber_create")
BAD_KEY_SIRET = siret_for(5)[:-1] + str((int(siret_for(5)[-1]) + 1) % 10)


def page(response) -> str:
    """The page's HTML, entities decoded (assertions read like the page)."""
    return unescape(response.content.decode())


def account_data(email="paul.martin@example.com", **overrides):
    return {
        "first_name": "Paul",
        "last_name": "Martin",
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    return sending_block(django_capture_on_commit_callbacks)


@pytest.fixture
def roubaix():
    return Commune.objects.create(
        code="59512",
        name="Roubaix",
        department=DepartmentFactory(code="59", name="Nord"),
        postal_codes=["59100"],
        latitude=50.69,
        longitude=3.18,
    )


def test_choose_kind_points_to_each_path(client):
    html = page(client.get(reverse("signup:choose_kind")))
    assert f'href="{reverse("account_signup")}"' in html
    assert f'href="{EMPLOYER_URL}"' in html
    assert f'href="{PRESCRIBER_URL}"' in html
    assert "uniquement sur invitation" in html


# Employers ------------------------------------------------------------------------


def test_siret_with_a_bad_key_gets_a_french_error(client):
    html = page(client.get(EMPLOYER_URL, {"siret": BAD_KEY_SIRET}))
    assert "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres" in html
    html = page(client.get(EMPLOYER_URL, {"siret": "123"}))
    assert "Le numéro SIRET doit comporter 14 chiffres." in html


def test_structures_with_the_siret_or_siren_are_listed(client):
    siret = siret_for(77)
    CompanyFactory(siret=siret, kind=CompanyKind.ACI, name="Les Jardins", official_email="contact@jardins.fr")
    CompanyFactory(siret=siret[:9] + "00029", kind=CompanyKind.EI, name="Recyclerie", official_email="")
    CompanyFactory(siret=siret[:9] + "00037", kind=CompanyKind.OPCS, name="Clause sociale")
    html = page(client.get(EMPLOYER_URL, {"siret": f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"}))
    assert "Les Jardins" in html and "Recyclerie" in html
    assert "Clause sociale" not in html
    assert "Recevoir le lien d'inscription à c•••@jardins.fr" in html
    assert "Nous n'avons pas d'adresse e-mail officielle pour cette structure" in html


def test_unknown_siret_points_to_support(client):
    siret = siret_for(78)
    html = page(client.get(EMPLOYER_URL, {"siret": siret}))
    assert f"Aucune structure d'insertion, GEIQ ou entreprise adaptée n'est enregistrée avec le SIRET {siret}" in html
    assert f"{reverse('signup:employer_support')}?siret={siret}" in html


def test_link_is_sent_and_where_is_said(client, sending):
    company = CompanyFactory(name="Les Jardins", brand="", official_email="contact@jardins.fr")
    with sending():
        response = client.post(reverse("signup:employer_send_link", args=[company.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("signup:employer_link_sent")
    html = page(response)
    assert "Un e-mail vient d'être envoyé à c•••@jardins.fr" in html
    assert "contact@jardins.fr" not in html
    assert extract_link(last_email_to("contact@jardins.fr").body, "/comptes/inscription/employeur/lien/")

    response = client.post(reverse("signup:employer_send_link", args=[company.pk]), follow=True)
    assert "Un lien d'inscription vient d'être envoyé à c•••@jardins.fr" in page(response)
    assert CompanySignupLink.objects.count() == 1


def test_no_link_without_official_email_nor_for_opcs(client):
    company = CompanyFactory(official_email="")
    response = client.post(reverse("signup:employer_send_link", args=[company.pk]), follow=True)
    assert "Nous n'avons pas d'adresse e-mail officielle" in page(response)
    opcs = CompanyFactory(kind=CompanyKind.OPCS, official_email="opcs@example.com")
    assert client.post(reverse("signup:employer_send_link", args=[opcs.pk])).status_code == 404
    assert client.get(reverse("signup:employer_send_link", args=[company.pk])).status_code == 405
    assert not CompanySignupLink.objects.exists()


def test_link_sent_page_needs_a_sent_link(client):
    response = client.get(reverse("signup:employer_link_sent"))
    assert response["Location"] == EMPLOYER_URL


def test_following_the_link_with_the_official_address_logs_in_as_admin(client):
    company = CompanyFactory(name="Les Jardins", brand="", official_email="contact@jardins.fr")
    _link, token = make_signup_link(company)
    url = reverse("signup:employer_link", args=[token])
    html = page(client.get(url))
    assert "Rejoindre Les Jardins" in html
    response = client.post(url, account_data(email="contact@jardins.fr"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    html = page(response)
    assert "Votre compte est créé : vous êtes administrateur de la structure Les Jardins." in html
    assert "Vous agissez pour <strong>Les Jardins</strong>" in html
    user = User.objects.get(email="contact@jardins.fr")
    assert user.kind == UserKind.PROFESSIONAL
    assert company.memberships.get(user=user).is_admin


def test_following_the_link_with_another_address_asks_to_confirm_it(client, sending):
    company = CompanyFactory(official_email="contact@jardins.fr")
    _link, token = make_signup_link(company)
    with sending():
        response = client.post(reverse("signup:employer_link", args=[token]), account_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    user = User.objects.get(email="paul.martin@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert company.memberships.get(user=user).is_admin
    confirm_url = extract_link(last_email_to("paul.martin@example.com").body, "/confirm-email/")
    path = confirm_url.split("localhost:8000", 1)[-1].replace("http://testserver", "")
    response = client.post(path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    assert response.context["user"] == user


def test_link_form_errors_create_nothing(client):
    company = CompanyFactory(official_email="contact@jardins.fr")
    ProfessionalFactory(email="deja@example.com")
    _link, token = make_signup_link(company)
    url = reverse("signup:employer_link", args=[token])
    # Not told on screen (account enumeration): the same answer as a new account, an email tells.
    response = client.post(url, account_data(email="deja@example.com"))
    assert response.status_code == 302 and response["Location"] == reverse("account_email_verification_sent")
    html = page(client.post(url, account_data(password2="different-2026-!")))
    assert "Les deux mots de passe ne sont pas identiques" in html
    html = page(client.post(url, account_data(password1="paulmartin", password2="paulmartin")))
    assert "fr-input-group--error" in html
    assert not company.memberships.exists()
    assert CompanySignupLink.objects.get().used_at is None


def test_reused_and_expired_links(client):
    company = CompanyFactory(official_email="contact@jardins.fr")
    _link, token = make_signup_link(company)
    url = reverse("signup:employer_link", args=[token])
    client.post(url, account_data())
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert "Ce lien d'inscription a déjà été utilisé." in page(response)
    response = client.post(url, account_data(email="autre@example.com"))
    assert "a déjà été utilisé" in page(response)
    assert not User.objects.filter(email="autre@example.com").exists()

    _expired, expired_token = make_signup_link(CompanyFactory(), expired=True)
    html = page(client.get(reverse("signup:employer_link", args=[expired_token])))
    assert "Ce lien d'inscription a expiré" in html
    html = page(client.get(reverse("signup:employer_link", args=["pas-un-jeton"])))
    assert "Ce lien d'inscription n'est pas valable." in html


def test_a_later_member_sends_a_join_request(client, sending):
    admin = ProfessionalFactory(email="admin@jardins.fr")
    company = CompanyFactory(name="Les Jardins", brand="", official_email="contact@jardins.fr", with_member=admin)
    _link, token = make_signup_link(company)
    with sending():
        response = client.post(reverse("signup:employer_link", args=[token]), account_data(), follow=True)
    assert "Votre demande pour rejoindre la structure Les Jardins a été envoyée" in page(response)
    join_request = JoinRequest.objects.get()
    assert join_request.user.email == "paul.martin@example.com"
    assert "Paul MARTIN demande à rejoindre Les Jardins" in last_email_to("admin@jardins.fr").subject


def test_logged_in_professional_joins_with_the_link(client):
    pro = ProfessionalFactory()
    CompanyMembershipFactory(user=pro)
    company = CompanyFactory(name="Les Jardins", brand="")
    _link, token = make_signup_link(company)
    client.force_login(pro)
    url = reverse("signup:employer_link", args=[token])
    assert "Rejoindre la structure avec ce compte" in page(client.get(url))
    response = client.post(url, follow=True)
    assert "vous êtes administrateur de la structure Les Jardins" in page(response)
    assert client.session["current_organization"] == f"company:{company.pk}"


def test_job_seeker_cannot_use_a_signup_link(client):
    _link, token = make_signup_link(CompanyFactory())
    client.force_login(JobSeekerFactory())
    url = reverse("signup:employer_link", args=[token])
    assert "n'est pas un compte professionnel" in page(client.get(url))
    html = page(client.post(url))
    assert "Compte professionnel nécessaire" in html
    assert CompanySignupLink.objects.get().used_at is None


def test_support_request(client, sending, settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    siret = siret_for(79)
    url = reverse("signup:employer_support")
    html = page(client.get(url, {"siret": siret}))
    assert f'value="{siret}"' in html
    data = {
        "first_name": "Paul",
        "last_name": "Martin",
        "email": "paul@example.com",
        "phone": "",
        "company_name": "Nouvelle ACI",
        "siret": BAD_KEY_SIRET,
        "company_kind": CompanyKind.ACI,
        "message": "Conventionnée en janvier.",
    }
    assert "n'est pas valide" in page(client.post(url, data))
    with sending():
        response = client.post(url, data | {"siret": siret}, follow=True)
    assert "Elle vérifie votre structure et vous répondra à paul@example.com." in page(response)
    assert SupportRequest.objects.get().siret == siret
    assert "Nouvelle ACI" in last_email_to("support@example.com").subject


# Prescribers ----------------------------------------------------------------------


def test_prescriber_siret_lists_organizations_to_join(client):
    organization = PrescriberOrganizationFactory(name="CCAS de Roubaix", kind=PrescriberOrganizationKind.CCAS)
    html = page(client.get(PRESCRIBER_URL, {"siret": organization.siret}))
    assert "CCAS de Roubaix" in html
    assert reverse("signup:prescriber_join", args=[organization.pk]) in html
    assert f"{CREATE_URL}?siret={organization.siret}" in html
    assert "n'est pas valide" in page(client.get(PRESCRIBER_URL, {"siret": BAD_KEY_SIRET}))


def test_unknown_prescriber_siret_goes_to_creation(client):
    siret = siret_for(80, prefix="3")
    response = client.get(PRESCRIBER_URL, {"siret": siret}, follow=True)
    assert response.redirect_chain[-1][0] == f"{CREATE_URL}?siret={siret}"
    assert "Aucune organisation n'est encore inscrite avec le SIRET" in page(response)


def test_join_a_prescriber_organization_with_a_new_account(client, sending):
    admin = ProfessionalFactory(email="admin@ccas.fr")
    organization = PrescriberOrganizationFactory(name="CCAS de Roubaix", with_member=admin)
    url = reverse("signup:prescriber_join", args=[organization.pk])
    assert "Rejoindre CCAS de Roubaix" in page(client.get(url))
    with sending():
        response = client.post(url, account_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "Votre demande pour rejoindre l'organisation CCAS de Roubaix a été envoyée" in page(response)
    join_request = JoinRequest.objects.get()
    assert join_request.prescriber_organization == organization
    assert join_request.status == JoinRequestStatus.PENDING
    assert "demande à rejoindre CCAS de Roubaix" in last_email_to("admin@ccas.fr").subject
    assert last_email_to("paul.martin@example.com")  # the confirmation of the address


def test_join_twice_as_logged_in_professional(client):
    organization = PrescriberOrganizationFactory(with_member=True)
    client.force_login(ProfessionalFactory())
    url = reverse("signup:prescriber_join", args=[organization.pk])
    response = client.post(url, follow=True)
    assert "a été envoyée à ses administrateurs" in page(response)
    response = client.post(url, follow=True)
    assert "Vous avez déjà demandé à rejoindre l'organisation" in page(response)
    assert JoinRequest.objects.count() == 1
    client.force_login(JobSeekerFactory())
    assert "Compte professionnel nécessaire" in page(client.post(url))


def _create_data(roubaix, **overrides):
    return {
        "kind": PrescriberOrganizationKind.PLIE,
        "name": "PLIE de Roubaix",
        "address_line": "8 rue de l'Alma",
        "post_code": "59100",
        "commune": "Roubaix (59)",
        "commune_code": roubaix.code,
    } | overrides


def test_create_an_organization_that_staff_will_check(client, roubaix, sending, settings):
    settings.SUPPORT_EMAIL = "support@example.com"
    siret = siret_for(81, prefix="3")
    url = f"{CREATE_URL}?siret={siret}"
    html = page(client.get(url))
    assert 'data-autocomplete-url="/autocomplete/communes/"' in html
    assert 'data-autocomplete-target="id_commune_code"' in html
    with sending():
        response = client.post(url, _create_data(roubaix) | account_data(), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_email_verification_sent")
    assert "L'équipe support va vérifier son habilitation" in page(response)
    organization = PrescriberOrganization.objects.get()
    assert organization.siret == siret and organization.commune == roubaix
    assert organization.authorization_status == PrescriberAuthorizationStatus.NOT_SET
    assert organization.memberships.get().is_admin
    assert "Habilitation à vérifier : PLIE de Roubaix" in last_email_to("support@example.com").subject


def test_create_an_organization_authorized_by_law_logged_in(client, roubaix):
    pro = ProfessionalFactory()
    client.force_login(pro)
    siret = siret_for(82, prefix="3")
    response = client.post(
        f"{CREATE_URL}?siret={siret}",
        _create_data(roubaix, kind=PrescriberOrganizationKind.ML, name="Mission locale"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard:index")
    assert "Elle est habilitée de droit : vous êtes prescripteur habilité." in page(response)
    organization = PrescriberOrganization.objects.get()
    assert organization.is_authorized
    assert client.session["current_organization"] == f"prescriber:{organization.pk}"


def test_create_bad_input(client, roubaix):
    response = client.get(CREATE_URL, {"siret": BAD_KEY_SIRET}, follow=True)
    assert response.redirect_chain[-1][0] == PRESCRIBER_URL
    assert "n'est pas valide" in page(response)
    existing = PrescriberOrganizationFactory(kind=PrescriberOrganizationKind.PLIE)
    url = f"{CREATE_URL}?siret={existing.siret}"
    html = page(client.post(url, _create_data(roubaix, commune_code="") | account_data()))
    assert "Une organisation de ce type existe déjà avec ce SIRET" in html
    assert "Choisissez la commune dans la liste proposée" in html
    html = page(client.post(url, _create_data(roubaix, kind="", post_code="5910") | account_data()))
    assert "Le code postal comporte 5 chiffres." in html
    assert PrescriberOrganization.objects.count() == 1
    assert not User.objects.filter(email="paul.martin@example.com").exists()


def test_sirene_prefills_the_creation_form(client, roubaix, monkeypatch):
    from itou.sirene.client import SireneEstablishment

    siret = siret_for(83, prefix="3")
    monkeypatch.setattr(
        signup_views,
        "lookup_siret",
        lambda value: SireneEstablishment(value, "PLIE MÉTROPOLE", "8 RUE DE L'ALMA", "59100", roubaix.code),
    )
    html = page(client.get(CREATE_URL, {"siret": siret}))
    assert 'value="PLIE MÉTROPOLE"' in html
    assert f'value="{roubaix.code}"' in html
