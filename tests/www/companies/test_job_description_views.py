"""Employer screens "Fiches de poste": who may see them, what they do, what a stale page gets."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import CompanyKind, ContractType
from itou.companies.models import Company, JobDescription
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

LIST_URL = reverse("companies:job_description_list")
CREATE_URL = reverse("companies:job_description_create")
SPONTANEOUS_URL = reverse("companies:spontaneous_applications")


@pytest.fixture
def employer():
    return ProfessionalFactory()


@pytest.fixture
def company(employer, lyon):
    return CompanyFactory(
        kind=CompanyKind.ACI, name="Les Jardins du Rhône", with_member=employer, commune=lyon, post_code="69007"
    )


@pytest.fixture
def job(company, boulanger):
    return JobDescription.objects.create(
        company=company, appellation=boulanger, contract_type=ContractType.FIXED_TERM_I, custom_title="Boulanger"
    )


def make_job(company, title, **fields):
    return JobDescription.objects.create(
        company=company,
        appellation_id="11573",
        contract_type=ContractType.FIXED_TERM_I,
        custom_title=title,
        ui_rank=fields.pop("ui_rank", JobDescription.objects.filter(company=company).count()),
        **fields,
    )


def messages_of(response) -> list[str]:
    """The messages this response added (earlier ones stay queued while no page shows them)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


def form_data(**overrides):
    return {
        "appellation": "Boulanger / Boulangère (D1102)",
        "appellation_code": "11573",
        "custom_title": "",
        "contract_type": ContractType.FIXED_TERM_I,
        "other_contract_type": "",
        "hours_per_week": "26",
        "open_positions": "2",
        "location": "",
        "location_code": "",
        "description": "Fabrication du pain.",
        "profile_sought": "",
        "is_open": "on",
    } | overrides


def employer_urls(job):
    pk = job.pk
    return [
        ("get", LIST_URL),
        ("get", CREATE_URL),
        ("get", reverse("companies:job_description_update", args=[pk])),
        ("post", reverse("companies:job_description_close", args=[pk])),
        ("post", reverse("companies:job_description_open", args=[pk])),
        ("post", reverse("companies:job_description_move", args=[pk])),
        ("post", SPONTANEOUS_URL),
    ]


# ---------------------------------------------------------------------------- permissions


def test_anonymous_is_sent_to_login(client, job):
    for method, url in employer_urls(job):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login") + "?next="), url


@pytest.mark.parametrize("who", ["job_seeker", "outsider", "former_member"])
def test_people_without_membership_get_404(client, job, company, who):
    user = {
        "job_seeker": JobSeekerFactory,
        "outsider": ProfessionalFactory,
        "former_member": lambda: CompanyMembershipFactory(company=company, is_active=False).user,
    }[who]()
    client.force_login(user)
    for method, url in employer_urls(job):
        assert getattr(client, method)(url).status_code == 404, url
    job.refresh_from_db()
    assert job.is_open


def test_another_company_admin_cannot_reach_this_company_job_descriptions(client, job):
    other_admin = ProfessionalFactory()
    other_company = CompanyFactory(with_member=other_admin)
    client.force_login(other_admin)
    pk = job.pk
    assert client.get(reverse("companies:job_description_update", args=[pk])).status_code == 404
    assert client.post(reverse("companies:job_description_update", args=[pk]), form_data()).status_code == 404
    for name in ("job_description_close", "job_description_open", "job_description_move"):
        assert client.post(reverse(f"companies:{name}", args=[pk]), {"direction": "up"}).status_code == 404
    # Their own list does not show it.
    assert "Boulanger" not in client.get(LIST_URL).content.decode()
    job.refresh_from_db()
    assert job.is_open and job.company_id != other_company.pk


def test_a_member_who_is_not_admin_manages_job_descriptions(client, company, job, boulanger):
    member = CompanyMembershipFactory(company=company, is_admin=False).user
    client.force_login(member)
    assert client.get(LIST_URL).status_code == 200
    response = client.post(reverse("companies:job_description_close", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert not job.is_open
    assert client.post(CREATE_URL, form_data()).status_code == 302


def test_post_only_actions_refuse_get(client, employer, job):
    client.force_login(employer)
    for name in ("job_description_close", "job_description_open", "job_description_move"):
        assert client.get(reverse(f"companies:{name}", args=[job.pk])).status_code == 405
    assert client.get(SPONTANEOUS_URL).status_code == 405


# ---------------------------------------------------------------------------- list


def test_list_shows_open_and_closed_with_last_update_in_constant_queries(
    client, employer, company, boulanger, django_assert_num_queries
):
    opened = make_job(company, "Boulanger de jour")
    closed = make_job(company, "Boulanger de nuit", is_open=False)
    JobDescription.objects.filter(pk=opened.pk).update(updated_at=timezone.now() - datetime.timedelta(days=80))
    client.force_login(employer)
    client.get(reverse("dashboard:index"))  # the first page stores the current organization in the session

    # session, user, the current organization, job descriptions.
    with django_assert_num_queries(4):
        response = client.get(LIST_URL)
    html = response.content.decode()
    assert "1 fiche ouverte sur 2" in html
    assert "Boulanger de jour" in html and "Boulanger de nuit" in html
    assert "Ouverte" in html and "Fermée" in html
    assert "Bientôt fermée" in html  # 80 days old: closes in 10 days
    assert reverse("companies:job_description_close", args=[opened.pk]) in html
    assert reverse("companies:job_description_open", args=[closed.pk]) in html
    assert "Candidatures spontanées" in html and "Ouvrir les candidatures spontanées" in html

    for index in range(10):
        make_job(company, f"Poste {index}", location_id="69123")
    with django_assert_num_queries(4):
        client.get(LIST_URL)


def test_empty_list_says_what_to_do(client, employer, company):
    client.force_login(employer)
    html = client.get(LIST_URL).content.decode()
    assert "Aucune fiche de poste pour l'instant" in html
    assert CREATE_URL in html


# ---------------------------------------------------------------------------- create / update


def test_create_form_offers_only_the_contracts_of_the_kind(client, employer, company):
    client.force_login(employer)
    html = client.get(CREATE_URL).content.decode()
    assert 'data-autocomplete-url="/autocomplete/appellations/"' in html
    assert "CDDI Premières heures en chantier" in html
    assert "Contrat de mission intérimaire" not in html
    assert "(Lyon)" in html  # where the job is when no location is given


def test_create_publishes_a_job_description(client, employer, company, boulanger):
    client.force_login(employer)
    response = client.post(CREATE_URL, form_data())
    assert response.status_code == 302 and response["Location"] == LIST_URL
    job = JobDescription.objects.get()
    assert job.company == company and job.hours_per_week == 26 and job.open_positions == 2
    assert job.latitude == 45.758
    assert messages_of(response) == ["La fiche de poste « Boulanger / Boulangère » est publiée."]


def test_create_without_javascript_finds_the_appellation_typed_exactly(client, employer, company, boulanger, lyon):
    client.force_login(employer)
    response = client.post(
        CREATE_URL,
        form_data(appellation="boulanger / boulangère", appellation_code="", location="Lyon", location_code=""),
    )
    assert response.status_code == 302
    job = JobDescription.objects.get()
    assert job.appellation == boulanger and job.location == lyon


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"hours_per_week": "60"}, "ne peut pas dépasser 48 heures par semaine"),
        ({"hours_per_week": "abc"}, "Indiquez un nombre entier d&#x27;heures"),
        ({"open_positions": "0"}, "Indiquez au moins un poste ouvert"),
        ({"appellation": "Boulang", "appellation_code": ""}, "Choisissez le métier dans la liste"),
        ({"appellation_code": "99999"}, "Ce métier est inconnu"),
        ({"location": "Atlantide", "location_code": ""}, "Choisissez la commune dans la liste"),
        ({"location": "Atlantide (99)", "location_code": "99999"}, "Cette commune est inconnue"),
        ({"contract_type": ContractType.TEMPORARY}, "pas possible pour votre structure"),
        ({"contract_type": ContractType.OTHER}, "précisez lequel"),
    ],
)
def test_bad_input_shows_a_french_error_and_creates_nothing(client, employer, company, boulanger, overrides, message):
    client.force_login(employer)
    response = client.post(CREATE_URL, form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'class="fr-error-text"' in response.content.decode()
    assert not JobDescription.objects.exists()


def test_update_prefills_and_saves(client, employer, job, villeurbanne):
    client.force_login(employer)
    url = reverse("companies:job_description_update", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'value="Boulanger / Boulangère (D1102)"' in html
    assert 'value="11573"' in html

    response = client.post(
        url, form_data(custom_title="Boulanger de nuit", location="Villeurbanne (69)", location_code="69266")
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.custom_title == "Boulanger de nuit" and job.location == villeurbanne
    assert messages_of(response) == ["La fiche de poste « Boulanger de nuit » est à jour."]


def test_update_with_bad_input_changes_nothing(client, employer, job):
    client.force_login(employer)
    response = client.post(reverse("companies:job_description_update", args=[job.pk]), form_data(hours_per_week="60"))
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.hours_per_week is None and job.custom_title == "Boulanger"


# ---------------------------------------------------------------------------- open / close / move


def test_close_twice_shows_already_done_not_an_error(client, employer, job):
    client.force_login(employer)
    url = reverse("companies:job_description_close", args=[job.pk])
    first = client.post(url)
    assert first.status_code == 302
    assert "Le recrutement est fermé" in messages_of(first)[0]
    second = client.post(url)
    assert second.status_code == 302
    assert messages_of(second) == [
        "Cette action a déjà été effectuée. La fiche de poste « Boulanger » est déjà fermée."
    ]

    reopen = client.post(reverse("companies:job_description_open", args=[job.pk]))
    assert "Le recrutement est ouvert" in messages_of(reopen)[0]
    job.refresh_from_db()
    assert job.is_open


def test_move_up_and_down(client, employer, company, boulanger):
    first, second, third = (make_job(company, title) for title in ("Premier", "Deuxième", "Troisième"))
    client.force_login(employer)
    url = reverse("companies:job_description_move", args=[third.pk])
    response = client.post(url, {"direction": "up"})
    assert response["Location"] == f"{LIST_URL}#fiche-{third.pk}"
    titles = list(company.job_descriptions.order_by("ui_rank", "pk").values_list("custom_title", flat=True))
    assert titles == ["Premier", "Troisième", "Deuxième"]

    response = client.post(reverse("companies:job_description_move", args=[first.pk]), {"direction": "up"})
    assert "déjà la première" in messages_of(response)[0]
    response = client.post(url, {"direction": "sideways"})
    assert response.status_code == 302
    assert messages_of(response) == ["Choisissez de monter ou de descendre la fiche de poste."]

    html = client.get(LIST_URL).content.decode()
    # The first has no "Monter", the last no "Descendre".
    assert html.count('value="up"') == 2 and html.count('value="down"') == 2


# ---------------------------------------------------------------------------- spontaneous applications


def test_spontaneous_applications_open_refresh_close(client, employer, company):
    client.force_login(employer)
    response = client.post(SPONTANEOUS_URL, {"action": "open"})
    assert response.status_code == 302
    company.refresh_from_db()
    assert company.spontaneous_applications_open
    html = client.get(LIST_URL).content.decode()
    assert "Confirmer qu'elles restent ouvertes" in html

    old = timezone.now() - datetime.timedelta(days=89)
    Company.objects.filter(pk=company.pk).update(spontaneous_applications_open_since=old)
    assert "Fermeture automatique bientôt" in client.get(LIST_URL).content.decode()
    client.post(SPONTANEOUS_URL, {"action": "refresh"})
    company.refresh_from_db()
    assert company.spontaneous_applications_open_since > old

    again = client.post(SPONTANEOUS_URL, {"action": "open"})
    assert messages_of(again) == ["Cette action a déjà été effectuée. Les candidatures spontanées sont déjà ouvertes."]

    client.post(SPONTANEOUS_URL, {"action": "close"})
    company.refresh_from_db()
    assert not company.spontaneous_applications_open

    unknown = client.post(SPONTANEOUS_URL, {"action": "delete"})
    assert messages_of(unknown) == ["Cette action n'existe pas : utilisez les boutons de la page."]
