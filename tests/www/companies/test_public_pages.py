"""Public pages: an employer (companies:detail) and one job description (companies:job_description_detail)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import CompanyKind, ContractType
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD, Company, JobDescription
from itou.www.companies.views import KIND_EXPLANATIONS
from tests.companies.factories import CompanyFactory
from tests.users.factories import JobSeekerFactory


@pytest.fixture
def company(lyon):
    return CompanyFactory(
        kind=CompanyKind.ACI,
        name="Association Les Jardins du Rhône",
        brand="Les Jardins du Rhône",
        address_line="27 avenue Jean Jaurès",
        post_code="69007",
        commune=lyon,
        phone="0478701234",
        email="contact@jardins.example",
        website="https://jardins.example",
        description="Maraîchage biologique.",
        with_member=True,
    )


def make_job(company, title, **fields):
    return JobDescription.objects.create(
        company=company, appellation_id="11573", contract_type=ContractType.FIXED_TERM_I, custom_title=title, **fields
    )


def detail_url(company):
    return reverse("companies:detail", args=[company.pk])


def job_url(job):
    return reverse("companies:job_description_detail", args=[job.pk])


def test_company_page_for_anonymous_in_constant_queries(client, company, boulanger, django_assert_num_queries):
    opened = make_job(company, "Boulanger de jour", hours_per_week=26)
    closed = make_job(company, "Boulanger de nuit", is_open=False)

    # The company (with its commune and parent), its open job descriptions.
    with django_assert_num_queries(2):
        response = client.get(detail_url(company))
    html = response.content.decode()
    assert "<h1>Les Jardins du Rhône</h1>" in html
    assert "Nom officiel : Association Les Jardins du Rhône" in html
    assert KIND_EXPLANATIONS[CompanyKind.ACI].replace("'", "&#x27;") in html
    assert "structure d&#x27;insertion par l&#x27;activité économique (SIAE)" in html
    assert "Maraîchage biologique." in html
    assert job_url(opened) in html and "26 h par semaine" in html
    assert job_url(closed) not in html and "Boulanger de nuit" not in html
    assert 'href="tel:+33478701234"' in html and "04 78 70 12 34" in html
    assert 'href="https://jardins.example"' in html
    # The contact email is not published (spam, personal addresses).
    assert "contact@jardins.example" not in html
    # Spontaneous applications are closed by default.
    assert "ne reçoit pas de candidatures spontanées" in html

    for index in range(8):
        make_job(company, f"Poste {index}", location_id="69123")
    with django_assert_num_queries(2):
        client.get(detail_url(company))


def test_map_link_opens_openstreetmap_in_a_new_window(client, company):
    html = client.get(detail_url(company)).content.decode()
    link = re.search(r'<a [^>]*href="(https://www\.openstreetmap\.org/[^"]+)"[^>]*>', html)
    assert link, html
    assert "search?query=27+avenue+Jean+Jaur%C3%A8s%2C+69007%2C+Lyon" in link.group(1)
    assert 'target="_blank"' in link.group(0) and 'rel="noopener"' in link.group(0)
    assert "nouvelle fenêtre" in link.group(0)


def test_map_link_uses_coordinates_without_street_address(client, lyon):
    company = CompanyFactory(address_line="", commune=lyon, latitude=45.75, longitude=4.85)
    html = client.get(detail_url(company)).content.decode()
    assert "https://www.openstreetmap.org/?mlat=45.75000&amp;mlon=4.85000#map=15/45.75000/4.85000" in html


def test_apply_button_leads_to_the_apply_journey(client, company):
    Company.objects.filter(pk=company.pk).update(spontaneous_applications_open_since=timezone.now())
    html = client.get(detail_url(company)).content.decode()
    assert "accepte les candidatures spontanées" in html
    apply = reverse("apply:start", args=[company.pk])
    assert f'href="{apply}"' in html
    assert "Postuler" in html
    # Visitors are sent to the login page, then back to the journey.
    response = client.get(apply)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))

    client.force_login(JobSeekerFactory())
    html = client.get(detail_url(company)).content.decode()
    assert f'href="{apply}"' in html


def test_no_email_nor_nir_in_urls(client, company, boulanger):
    job_seeker = JobSeekerFactory()
    client.force_login(job_seeker)
    make_job(company, "Boulanger")
    html = client.get(detail_url(company)).content.decode()
    for href in re.findall(r'href="([^"]+)"', html):
        assert "@" not in href or href.startswith("mailto:"), href
        assert job_seeker.jobseeker_profile.nir not in href


@pytest.mark.parametrize("kind", list(CompanyKind))
def test_every_kind_is_explained_in_one_sentence(client, kind):
    company = CompanyFactory(kind=kind)
    html = client.get(detail_url(company)).content.decode()
    assert KIND_EXPLANATIONS[kind].replace("'", "&#x27;") in html
    if kind == CompanyKind.OPCS:
        assert "ne recrute pas directement sur la plateforme" in html


def test_inactive_companies_answer_404(client, company, boulanger):
    job = make_job(company, "Boulanger")
    Company.objects.filter(pk=company.pk).update(is_active=False)
    assert client.get(detail_url(company)).status_code == 404
    assert client.get(job_url(job)).status_code == 404

    ended = CompanyFactory(
        convention_end_date=timezone.localdate() - SIAE_CONVENTION_GRACE_PERIOD - datetime.timedelta(days=1)
    )
    in_grace = CompanyFactory(convention_end_date=timezone.localdate() - datetime.timedelta(days=10))
    assert client.get(detail_url(ended)).status_code == 404
    assert client.get(detail_url(in_grace)).status_code == 200
    assert client.get(reverse("companies:detail", args=[999_999])).status_code == 404


def test_job_description_page_in_constant_queries(client, company, boulanger, villeurbanne, django_assert_num_queries):
    job = make_job(
        company,
        "Boulanger de nuit",
        hours_per_week=35,
        open_positions=2,
        is_cv_required=True,
        location=villeurbanne,
        description="Pétrir,\nfaçonner.",
        profile_sought="Lève-tôt.",
    )
    with django_assert_num_queries(1):
        response = client.get(job_url(job))
    html = response.content.decode()
    assert "<h1>Boulanger de nuit</h1>" in html
    assert "Boulanger / Boulangère — fiche D1102 « Boulangerie - viennoiserie » du ROME" in html
    assert "CDD d&#x27;insertion (CDDI)" in html
    assert "35 heures par semaine" in html
    assert "Villeurbanne (69)" in html
    assert "Un CV est demandé pour postuler." in html
    assert "<p>Pétrir,<br>façonner.</p>" in html
    assert "Lève-tôt." in html
    assert "Ce poste n&#x27;est plus ouvert" not in html
    assert reverse("apply:start", args=[company.pk]) + f"?job={job.pk}" in html
    assert detail_url(company) in html


def test_closed_job_description_page_says_it_is_no_longer_open(client, company, boulanger):
    job = make_job(company, "Boulanger", is_open=False)
    response = client.get(job_url(job))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce poste n'est plus ouvert" in html
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert reverse("account_login") not in main and "Postuler" not in main
    assert f"{detail_url(company)}#postes" in html


def test_unknown_job_description_is_404(client):
    assert client.get(reverse("companies:job_description_detail", args=[123456])).status_code == 404
