import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itou.companies.enums import CompanyKind
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import make_job_description
from tests.prescribers.factories import PrescriberOrganizationFactory


def _near(saint_etienne, n, **kwargs):
    companies = []
    for i in range(n):
        company = CompanyFactory(commune=saint_etienne, latitude=45.44 + i * 0.001, longitude=4.39, **kwargs)
        job_description = make_job_description(company)
        # What the job description service copies from its employer (search by distance).
        type(job_description).objects.filter(pk=job_description.pk).update(
            latitude=company.latitude, longitude=company.longitude
        )
        companies.append(company)
    return companies


def test_employers_near_a_commune(api_client, saint_etienne, lyon):
    near = _near(saint_etienne, 2)
    CompanyFactory(commune=lyon, latitude=45.758, longitude=4.835)  # ~50 km away
    CompanyFactory(commune=saint_etienne, latitude=45.44, longitude=4.39, kind=CompanyKind.OPCS)

    response = api_client.get("/api/v1/employeurs/", {"code_insee": "42218", "rayon": 10})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {company.pk for company in near}
    first = body["results"][0]
    assert first["distance_km"] < 10
    assert first["commune"] == {"code_insee": "42218", "nom": "Saint-Étienne", "departement": "42"}
    assert first["fiches_de_poste_ouvertes"][0]["titre"] == "Maraîcher / Maraîchère"
    assert first["fiches_de_poste_ouvertes"][0]["code_rome"] == "A1414"

    wider = api_client.get("/api/v1/employeurs/", {"code_insee": "42218", "rayon": 100}).json()
    assert wider["count"] == 3


def test_employer_search_constant_queries(api_client, saint_etienne):
    _near(saint_etienne, 1)
    with CaptureQueriesContext(connection) as one:
        assert api_client.get("/api/v1/employeurs/", {"code_insee": "42218"}).status_code == 200
    _near(saint_etienne, 6)
    with CaptureQueriesContext(connection) as seven:
        assert len(api_client.get("/api/v1/employeurs/", {"code_insee": "42218"}).json()["results"]) == 7
    assert len(one) == len(seven)
    # Commune, count, page, open job descriptions; the rest is the throttle's database cache.
    assert (
        len([q for q in seven.captured_queries if "django_cache" not in q["sql"] and "SAVEPOINT" not in q["sql"]]) == 4
    )


def test_employers_in_a_department_with_filters(api_client, saint_etienne, lyon):
    aci = _near(saint_etienne, 1)[0]
    CompanyFactory(commune=saint_etienne, latitude=45.44, longitude=4.39, kind=CompanyKind.EI)
    CompanyFactory(commune=lyon, latitude=45.758, longitude=4.835)

    body = api_client.get("/api/v1/employeurs/", {"departement": "42", "type": "ACI"}).json()
    assert [row["id"] for row in body["results"]] == [aci.pk]
    assert body["results"][0]["distance_km"] is None
    both = api_client.get("/api/v1/employeurs/", {"departement": "42", "type": "ACI,EI"}).json()
    assert both["count"] == 2
    fixed_term = api_client.get("/api/v1/employeurs/", {"departement": "42", "type_contrat": "FIXED_TERM_I"}).json()
    assert [row["id"] for row in fixed_term["results"]] == [aci.pk]


@pytest.mark.parametrize(
    "params,field",
    [
        ({}, "non_field_errors"),
        ({"code_insee": "42218", "departement": "42"}, "non_field_errors"),
        ({"code_insee": "abc"}, "code_insee"),
        ({"code_insee": "99999"}, "code_insee"),
        ({"code_insee": "42218", "rayon": "7"}, "rayon"),
        ({"departement": "42", "type": "XYZ"}, "type"),
        ({"departement": "<script>"}, "departement"),
    ],
)
def test_bad_search_parameters_get_a_french_error(api_client, saint_etienne, params, field):
    response = api_client.get("/api/v1/employeurs/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Paramètres invalides."
    assert field in body["erreurs"]


def test_etag_gives_304(api_client, saint_etienne):
    _near(saint_etienne, 1)
    first = api_client.get("/api/v1/employeurs/", {"code_insee": "42218"})
    assert first["Cache-Control"] == "public, max-age=60"
    again = api_client.get("/api/v1/employeurs/", {"code_insee": "42218"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    _near(saint_etienne, 1)
    changed = api_client.get("/api/v1/employeurs/", {"code_insee": "42218"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200


def test_employer_detail_only_public_employers(api_client, saint_etienne):
    company = _near(saint_etienne, 1)[0]
    opcs = CompanyFactory(kind=CompanyKind.OPCS)
    inactive = CompanyFactory(is_active=False)
    assert api_client.get(f"/api/v1/employeurs/{company.pk}/").json()["siret"] == company.siret
    for hidden in (opcs, inactive):
        response = api_client.get(f"/api/v1/employeurs/{hidden.pk}/")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "Ressource introuvable."}


def test_job_descriptions_search_and_detail(api_client, saint_etienne):
    company = _near(saint_etienne, 1)[0]
    body = api_client.get("/api/v1/fiches-de-poste/", {"code_insee": "42218", "rayon": 5}).json()
    assert body["count"] == 1
    job = body["results"][0]
    assert job["employeur_id"] == company.pk
    detail = api_client.get(f"/api/v1/fiches-de-poste/{job['id']}/").json()
    assert detail["titre"] == "Maraîcher / Maraîchère"
    company.job_descriptions.update(is_open=False)
    assert api_client.get(f"/api/v1/fiches-de-poste/{job['id']}/").status_code == 404


def test_job_descriptions_search_costs_the_same_queries_whatever_the_count(api_client, saint_etienne):
    """The long texts the serializer shows are read with the rows (not one query per row)."""
    _near(saint_etienne, 1)
    with CaptureQueriesContext(connection) as one:
        assert api_client.get("/api/v1/fiches-de-poste/", {"code_insee": "42218", "rayon": 5}).json()["count"] == 1
    _near(saint_etienne, 4)
    with CaptureQueriesContext(connection) as five:
        body = api_client.get("/api/v1/fiches-de-poste/", {"code_insee": "42218", "rayon": 5}).json()
    assert body["count"] == 5
    assert all(row["profil_recherche"] is not None for row in body["results"])
    assert len(five) == len(one)


def test_authorized_prescribers_near(api_client, saint_etienne):
    authorized = PrescriberOrganizationFactory(
        authorized=True, commune=saint_etienne, latitude=45.43, longitude=4.39, post_code="42000"
    )
    PrescriberOrganizationFactory(commune=saint_etienne, latitude=45.43, longitude=4.39)  # not authorized
    body = api_client.get("/api/v1/prescripteurs/", {"code_insee": "42218"}).json()
    assert [row["id"] for row in body["results"]] == [authorized.pk]


def test_reference_data(api_client, saint_etienne):
    assert api_client.get("/api/v1/referentiels/communes/", {"q": "saint eti"}).json()[0]["code_insee"] == "42218"
    assert api_client.get("/api/v1/referentiels/communes/", {}).status_code == 400
    assert api_client.get("/api/v1/referentiels/domaines-rome/").status_code == 200
    assert api_client.get("/api/v1/referentiels/criteres/").status_code == 200


def test_unknown_url_is_json_404(api_client):
    response = api_client.get("/api/v1/inconnu/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_public_throttle_answers_429_in_french(api_client, saint_etienne, monkeypatch):
    from itou.api.auth import PublicThrottle

    monkeypatch.setattr(PublicThrottle, "rate", "2/min", raising=False)
    for _ in range(2):
        assert api_client.get("/api/v1/referentiels/domaines-rome/").status_code == 200
    response = api_client.get("/api/v1/referentiels/domaines-rome/")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert response.json()["message"].startswith("Trop de requêtes")
