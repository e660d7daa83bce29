"""The cache of anonymous search pages (itou/utils/pagecache.py): reused while nothing
changes, stale as soon as an employer or a job description changes, never for a
logged-in user; ETag, 304, Cache-Control and Vary for browsers and CDNs."""

import gzip

import pytest
from django.urls import reverse

from itou.companies.apps import SEARCH_PAGES
from itou.utils import pagecache
from tests.companies.factories import CompanyMembershipFactory
from tests.www.search.conftest import LYON, company_near, job_description

EMPLOYERS = reverse("search:employers")
JOBS = reverse("search:job_descriptions")


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_a_repeated_anonymous_search_costs_no_query(client, django_assert_num_queries, monkeypatch):
    # The version is read again from the shared cache after VERSION_CHECK_SECONDS (one query).
    monkeypatch.setattr(pagecache, "VERSION_CHECK_SECONDS", 600)
    company_near(north_km=1, name="Atelier Soleil")
    first = client.get(EMPLOYERS, {"commune_code": LYON, "radius": 25})
    assert first.status_code == 200
    assert "Atelier Soleil" in first.content.decode()
    assert set(first["Cache-Control"].split(", ")) == {"public", "max-age=60"}
    assert {"Cookie", "HX-Request", "Accept-Encoding"} <= {v.strip() for v in first["Vary"].split(",")}
    # The same search, its parameters in another order and an empty one: the same page, no query.
    with django_assert_num_queries(0):
        again = client.get(EMPLOYERS, {"radius": "25", "commune_code": LYON, "kinds": ""})
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]


def test_a_changed_job_description_makes_the_page_stale(client):
    company = company_near(north_km=1, name="Atelier Soleil")
    offer = job_description(company, custom_title="Boulanger du matin")
    params = {"commune_code": LYON, "radius": 25}
    assert "Boulanger du matin" in client.get(JOBS, params).content.decode()
    offer.custom_title = "Boulanger du soir"
    offer.save()
    content = client.get(JOBS, params).content.decode()
    assert "Boulanger du soir" in content
    assert "Boulanger du matin" not in content


def test_a_changed_employer_makes_the_page_stale(client):
    company = company_near(north_km=1, name="Atelier Soleil")
    params = {"commune_code": LYON, "radius": 25}
    assert "Atelier Soleil" in client.get(EMPLOYERS, params).content.decode()
    company.name = "Atelier Lune"
    company.save()
    assert "Atelier Lune" in client.get(EMPLOYERS, params).content.decode()
    company.delete()
    assert "Atelier Lune" not in client.get(EMPLOYERS, params).content.decode()


def test_the_version_is_shared_by_processes(client):
    """Another process bumped the counter in the shared cache: this one sees it once its
    short memory of the version has lapsed (simulated by forgetting it)."""
    company = company_near(north_km=1, name="Atelier Soleil")
    params = {"commune_code": LYON, "radius": 25}
    client.get(EMPLOYERS, params)
    before = pagecache.current_version(SEARCH_PAGES)
    type(company).objects.filter(pk=company.pk).update(name="Atelier Lune")  # no signal
    pagecache.bump_version(SEARCH_PAGES)
    pagecache.forget_versions()  # another process: only the shared counter
    assert pagecache.current_version(SEARCH_PAGES) != before
    assert "Atelier Lune" in client.get(EMPLOYERS, params).content.decode()


def test_etag_gives_304(client):
    company_near(north_km=1)
    params = {"commune_code": LYON, "radius": 25}
    etag = client.get(EMPLOYERS, params)["ETag"]
    response = client.get(EMPLOYERS, params, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(EMPLOYERS, params, headers={"If-None-Match": '"autre"'}).status_code == 200


def test_gzip_and_htmx_fragment_are_kept_apart(client):
    company_near(north_km=1, name="Atelier Soleil")
    params = {"commune_code": LYON, "radius": 25}
    page = client.get(EMPLOYERS, params).content
    zipped = client.get(EMPLOYERS, params, headers={"Accept-Encoding": "gzip"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == page
    fragment = client.get(EMPLOYERS, params, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="search-results">')
    assert "<html" not in fragment
    assert client.get(EMPLOYERS, params).content == page


def test_logged_in_users_never_get_the_cached_anonymous_page(client):
    company_near(north_km=1, name="Atelier Soleil")
    params = {"commune_code": LYON, "radius": 25}
    anonymous = client.get(EMPLOYERS, params)
    member = CompanyMembershipFactory().user
    client.force_login(member)
    response = client.get(EMPLOYERS, params)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "ETag" not in response
    assert response.content != anonymous.content  # their header, not the visitor's
    assert "Cookie" in response["Vary"]


def test_without_cache_setting_nothing_is_kept(client, settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    company_near(north_km=1)
    params = {"commune_code": LYON, "radius": 25}
    client.get(EMPLOYERS, params)
    response = client.get(EMPLOYERS, params)
    assert "ETag" not in response
