import pytest
from django.urls import reverse

from itou.geo.models import Commune, Department, Region
from itou.users.models import JobSeekerProfile
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.institutions.factories import InstitutionFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory, StaffFactory, nir_for

DASHBOARD_URL = reverse("dashboard:index")
PROFILE_URL = reverse("dashboard:profile")


@pytest.fixture
def lyon():
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    department = Department.objects.create(code="69", name="Rhône", region=region)
    return Commune.objects.create(
        code="69123", name="Lyon", department=department, postal_codes=["69001"], latitude=45.76, longitude=4.83
    )


def test_job_seeker_dashboard_asks_to_complete_profile(client):
    job_seeker = JobSeekerFactory(first_name="Léa")
    client.force_login(job_seeker)
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Bonjour Léa" in html
    assert "Complétez votre profil" in html
    assert "commune" in html
    # The NIR is never shown in full.
    assert job_seeker.jobseeker_profile.nir not in html
    assert job_seeker.jobseeker_profile.masked_nir in html


def test_professional_dashboard_lists_organizations_in_constant_queries(client, django_assert_max_num_queries):
    pro = ProfessionalFactory()
    client.force_login(pro)
    CompanyFactory(name="Les Jardins du Rhône", with_member=pro)
    PrescriberOrganizationFactory(name="Association Relais", with_member=pro)
    InstitutionFactory(with_member=pro)
    CompanyFactory(name="Structure d'un autre")  # not a member
    with django_assert_max_num_queries(13) as first:  # + the unread messages card
        html = client.get(DASHBOARD_URL).content.decode()
    assert "Les Jardins du Rhône" in html
    assert "Association Relais" in html
    assert "Orienteur" in html
    assert "DDETS" in html
    assert "Structure d&#x27;un autre" not in html

    for _ in range(5):
        CompanyMembershipFactory(user=pro, company=CompanyFactory())
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(DASHBOARD_URL)


def test_deactivated_membership_is_not_listed(client):
    pro = ProfessionalFactory()
    CompanyMembershipFactory(user=pro, company=CompanyFactory(name="Ancienne structure"), is_active=False)
    client.force_login(pro)
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Ancienne structure" not in html
    assert "Vous n'êtes membre d'aucune organisation" in html


def test_staff_dashboard_links_to_back_office(client):
    from allauth.mfa.models import Authenticator

    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    html = client.get(DASHBOARD_URL).content.decode()
    assert reverse("admin:index") in html


def profile_data(**overrides):
    data = {
        "first_name": "Léa",
        "last_name": "Durand",
        "phone": "06 12 34 56 78",
        "birthdate": "1988-02-03",
        "nir": "",
        "lack_of_nir_reason": "",
        "france_travail_id": "1234567A",
        "commune": "Lyon (69)",
        "commune_code": "69123",
        "address_line": "3 rue de la République",
        "education_level": "51",
    }
    data.update(overrides)
    return data


def test_job_seeker_updates_profile_and_keeps_nir(client, lyon):
    job_seeker = JobSeekerFactory()
    nir = job_seeker.jobseeker_profile.nir
    client.force_login(job_seeker)
    response = client.get(PROFILE_URL)
    assert response.status_code == 200
    assert nir not in response.content.decode()

    response = client.post(PROFILE_URL, profile_data())
    assert response.status_code == 302
    job_seeker.refresh_from_db()
    profile = JobSeekerProfile.objects.get(user=job_seeker)
    assert (job_seeker.first_name, job_seeker.phone) == ("Léa", "06 12 34 56 78")
    assert profile.nir == nir  # an empty field keeps the stored NIR
    assert profile.commune == lyon
    assert profile.france_travail_id == "1234567A"
    assert profile.missing_fields == []


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"nir": "190056912345600"}, "la clé est les 2 derniers"),
        ({"france_travail_id": "12"}, "de 8 à 11 caractères"),
        ({"commune_code": "99999"}, "Cette commune est inconnue"),
        ({"commune_code": ""}, "Choisissez votre commune dans la liste"),
        ({"birthdate": "pas une date"}, "Saisissez une date valide"),
    ],
)
def test_bad_profile_input_changes_nothing(client, lyon, overrides, message):
    job_seeker = JobSeekerFactory(first_name="Avant")
    client.force_login(job_seeker)
    response = client.post(PROFILE_URL, profile_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    job_seeker.refresh_from_db()
    assert job_seeker.first_name == "Avant"
    assert job_seeker.jobseeker_profile.commune is None


def test_nir_of_another_job_seeker_is_refused(client, lyon):
    other = JobSeekerFactory(with_profile__nir=nir_for(99))
    job_seeker = JobSeekerFactory()
    client.force_login(job_seeker)
    response = client.post(PROFILE_URL, profile_data(nir=other.jobseeker_profile.nir))
    assert response.status_code == 200
    assert "déjà associé à un autre compte" in response.content.decode()


@pytest.mark.parametrize("factory", [ProfessionalFactory])
def test_profile_page_is_for_job_seekers_only(client, factory):
    client.force_login(factory())
    assert client.get(PROFILE_URL).status_code == 404
    assert client.post(PROFILE_URL, profile_data()).status_code == 404


def test_professional_switches_current_organization(client):
    pro = ProfessionalFactory()
    company = CompanyFactory(name="Les Jardins du Rhône", with_member=pro)
    organization = PrescriberOrganizationFactory(name="Association Relais", with_member=pro)
    client.force_login(pro)
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Vous agissez pour <strong>Les Jardins du Rhône</strong>" in html

    response = client.post(reverse("dashboard:switch_organization"), {"organization": f"prescriber:{organization.pk}"})
    assert response.status_code == 302
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Vous agissez pour <strong>Association Relais</strong> — Orienteur" in html
    assert "Vous agissez maintenant pour Association Relais" in html

    # Another organization's key, or garbage: refused, nothing changes.
    other = CompanyFactory(name="Structure d'un autre", with_member=True)
    for key in (f"company:{other.pk}", "company:abc", ""):
        client.post(reverse("dashboard:switch_organization"), {"organization": key})
        assert "Vous agissez pour <strong>Association Relais</strong>" in client.get(DASHBOARD_URL).content.decode()
    assert client.get(reverse("dashboard:switch_organization")).status_code == 405

    # A deactivated membership can no longer be the current organization.
    organization.memberships.filter(user=pro).update(is_active=False)
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Vous agissez pour <strong>Les Jardins du Rhône</strong>" in html
    assert company.pk
