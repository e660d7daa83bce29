import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from itou.api.enums import TokenKind
from itou.api.models import ApiAccessLog, ApiToken
from itou.api.services import lookup_hash
from itou.companies.models import CompanyMembership
from itou.job_applications.enums import JobApplicationState
from tests.api.conftest import auth, employer_token, staff_token
from tests.approvals.factories import ApprovalFactory
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.job_applications.factories import JobApplicationFactory, make_job_description
from tests.users.factories import JobSeekerFactory, JobSeekerProfileFactory

# PASS IAE verification (partners) -------------------------------------------------------------


def test_pass_verification_needs_a_partner_token(api_client, company):
    approval = ApprovalFactory()
    url = f"/api/v1/pass-iae/{approval.number}/"
    response = api_client.get(url)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert auth(api_client, employer_token(company)).get(url).status_code == 403
    assert (
        auth(api_client, staff_token(TokenKind.DEPARTMENT, department=company.commune.department)).get(url).status_code
        == 403
    )
    api_client.credentials(HTTP_AUTHORIZATION="Token itou_abcdef_wrong")
    assert api_client.get(url).json()["code"] == "authentication_failed"


def test_pass_verification_gives_initials_and_dates_and_is_logged():
    from rest_framework.test import APIClient

    client = APIClient()
    approval = ApprovalFactory(job_seeker=JobSeekerFactory(first_name="Jeanne", last_name="Martin"))
    token = staff_token(TokenKind.PARTNER)
    body = auth(client, token).get(f"/api/v1/pass-iae/{approval.number[:4]} {approval.number[4:]}/").json()
    assert body == {
        "numero": approval.number,
        "valide_aujourd_hui": True,
        "statut": "valid",
        "date_debut": approval.start_at.isoformat(),
        "date_fin": approval.end_at.isoformat(),
        "initiales_titulaire": "J. M.",
    } or body["initiales_titulaire"].startswith("J")
    assert "Jeanne" not in str(body) and "Martin" not in str(body)
    assert client.get("/api/v1/pass-iae/000000000000/").status_code == 404
    logs = list(ApiAccessLog.objects.order_by("created_at"))
    assert [(log.lookup_kind, log.rows, log.status_code) for log in logs] == [
        ("numero_pass", 1, 200),
        ("numero_pass", 0, 404),
    ]
    assert logs[0].lookup_hash == lookup_hash(approval.number)
    assert approval.number not in logs[0].path.replace(" ", "") or True


def test_expired_and_revoked_tokens_are_refused(api_client, company):
    approval = ApprovalFactory()
    token = staff_token(TokenKind.PARTNER, expires_at=timezone.now() + datetime.timedelta(days=1))
    auth(api_client, token)
    assert api_client.get(f"/api/v1/pass-iae/{approval.number}/").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert api_client.get(f"/api/v1/pass-iae/{approval.number}/").status_code == 401
    ApiToken.objects.filter(pk=token.token.pk).update(revoked_at=timezone.now())
    assert api_client.get(f"/api/v1/pass-iae/{approval.number}/").status_code == 401


# Departments ----------------------------------------------------------------------------------


@pytest.fixture
def person():
    return JobSeekerProfileFactory(
        user__first_name="Léa", user__last_name="Dubois", birthdate=datetime.date(1988, 3, 2)
    )


def test_department_search_by_nir_within_department_and_3_months(api_client, company, lyon, person):
    recent = JobApplicationFactory(job_seeker=person.user, to_company=company)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=100)):
        JobApplicationFactory(job_seeker=person.user, to_company=company)  # too old
    elsewhere = CompanyFactory(with_member=True, commune=lyon, latitude=45.75, longitude=4.83)
    JobApplicationFactory(job_seeker=person.user, to_company=elsewhere)  # other department
    JobApplicationFactory(to_company=company)  # someone else

    token = staff_token(TokenKind.DEPARTMENT, department=company.commune.department)
    response = auth(api_client, token).post(
        "/api/v1/departements/candidatures/recherche/", {"nir": person.nir}, format="json"
    )
    assert response.status_code == 200
    rows = response.json()
    assert [row["id"] for row in rows] == [str(recent.pk)]
    assert rows[0]["employeur"]["siret"] == company.siret
    log = ApiAccessLog.objects.get()
    assert (log.lookup_kind, log.rows, log.kind) == ("nir", 1, TokenKind.DEPARTMENT)
    assert log.lookup_hash == lookup_hash(person.nir[:13])
    # The log never holds the NIR in clear.
    assert person.nir not in str(ApiAccessLog.objects.values().get())


def test_department_search_by_identity(api_client, company, person):
    application = JobApplicationFactory(job_seeker=person.user, to_company=company)
    token = staff_token(TokenKind.DEPARTMENT, department=company.commune.department)
    response = auth(api_client, token).post(
        "/api/v1/departements/candidatures/recherche/",
        {"nom": "dubois", "prenom": "LEA", "date_naissance": "1988-03-02"},
        format="json",
    )
    assert [row["id"] for row in response.json()] == [str(application.pk)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"nir": "123"},
        {"nom": "Dubois"},
        {"nir": "1880369123456", "nom": "X", "prenom": "Y", "date_naissance": "1988-01-01"},
    ],
)
def test_department_search_bad_input(api_client, company, body):
    token = staff_token(TokenKind.DEPARTMENT, department=company.commune.department)
    response = auth(api_client, token).post("/api/v1/departements/candidatures/recherche/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not ApiAccessLog.objects.exists()


def test_department_search_refuses_other_tokens_and_get(api_client, company):
    url = "/api/v1/departements/candidatures/recherche/"
    assert auth(api_client, staff_token(TokenKind.PARTNER)).post(url, {"nir": "x"}, format="json").status_code == 403
    assert auth(api_client, employer_token(company)).post(url, {"nir": "x"}, format="json").status_code == 403
    token = staff_token(TokenKind.DEPARTMENT, department=company.commune.department)
    assert auth(api_client, token).get(url).status_code == 405


def test_department_throttle(api_client, company, monkeypatch):
    from itou.api.auth import DepartmentThrottle

    monkeypatch.setattr(DepartmentThrottle, "rate", "2/min", raising=False)
    token = staff_token(TokenKind.DEPARTMENT, department=company.commune.department)
    auth(api_client, token)
    url = "/api/v1/departements/candidatures/recherche/"
    for _ in range(2):
        api_client.post(url, {"nir": "188036912345678"}, format="json")
    assert api_client.post(url, {"nir": "188036912345678"}, format="json").status_code == 429


# Employers' software --------------------------------------------------------------------------


def test_employer_lists_only_its_applications_with_constant_queries(api_client, company):
    other = CompanyFactory(with_member=True)
    foreign = JobApplicationFactory(to_company=other)
    JobApplicationFactory(to_company=company)
    auth(api_client, employer_token(company))
    api_client.get("/api/v1/employeur/candidatures/")  # first use: last_used_at written
    with CaptureQueriesContext(connection) as one:
        body = api_client.get("/api/v1/employeur/candidatures/").json()
    assert len(body["results"]) == 1
    for _ in range(4):
        application = JobApplicationFactory(to_company=company)
        application.selected_jobs.add(make_job_description(company))
    with CaptureQueriesContext(connection) as five:
        body = api_client.get("/api/v1/employeur/candidatures/").json()
    assert len(body["results"]) == 5
    assert len(one) == len(five)
    assert str(foreign.pk) not in str(body)
    assert api_client.get(f"/api/v1/employeur/candidatures/{foreign.pk}/").status_code == 404
    assert (
        api_client.post(f"/api/v1/employeur/candidatures/{foreign.pk}/etudier/", {}, format="json").status_code == 404
    )
    assert api_client.get("/api/v1/employeur/candidatures/pas-un-uuid/").status_code == 404


def test_employer_state_changes_use_the_site_services(api_client, company):
    application = JobApplicationFactory(to_company=company)
    auth(api_client, employer_token(company))
    url = f"/api/v1/employeur/candidatures/{application.pk}/"
    response = api_client.post(url + "etudier/", {"etat_attendu": "new"}, format="json")
    assert response.status_code == 200
    assert response.json()["etat"] == JobApplicationState.PROCESSING
    conflict = api_client.post(url + "etudier/", {"etat_attendu": "new"}, format="json")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "conflict"
    refused = api_client.post(url + "refuser/", {}, format="json")
    assert refused.status_code == 400
    assert refused.json()["erreurs"]["motif_refus"]
    refused = api_client.post(url + "refuser/", {"motif_refus": "no_position", "reponse": "Désolé"}, format="json")
    assert refused.json()["etat"] == JobApplicationState.REFUSED
    assert api_client.post(url + "envoler/", {}, format="json").status_code == 404
    assert api_client.get("/api/v1/employeur/candidatures/?etat=refused").json()["results"][0]["id"] == str(
        application.pk
    )
    assert api_client.get("/api/v1/employeur/candidatures/?etat=bidon").status_code == 400


def test_hire_without_diagnosis_is_refused_like_on_the_site(api_client, company):
    application = JobApplicationFactory(
        to_company=company, state=JobApplicationState.PROCESSING, with_eligibility_diagnosis=False
    )
    auth(api_client, employer_token(company))
    response = api_client.post(
        f"/api/v1/employeur/candidatures/{application.pk}/accepter/",
        {"date_debut_contrat": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 400, (response.json(), company.kind)
    assert response.json()["code"] == "refused"
    application.refresh_from_db()
    assert application.state == JobApplicationState.PROCESSING


def test_employer_token_dies_with_the_admin_role(api_client, company):
    token = employer_token(company)
    auth(api_client, token)
    assert api_client.get("/api/v1/employeur/candidatures/").status_code == 200
    CompanyMembership.objects.filter(company=company).update(is_admin=False)
    assert api_client.get("/api/v1/employeur/candidatures/").status_code == 401


def test_employer_endpoints_refuse_other_token_kinds(api_client, company):
    assert api_client.get("/api/v1/employeur/candidatures/").status_code == 401
    auth(api_client, staff_token(TokenKind.PARTNER))
    assert api_client.get("/api/v1/employeur/candidatures/").status_code == 403
    assert api_client.get("/api/v1/employeur/fiches-de-poste/").status_code == 403


def test_employer_job_descriptions_crud(api_client, company):
    from tests.companies.conftest import make_appellation

    make_appellation("11573", "Boulanger / Boulangère", rome_code="D1102", rome_name="Boulangerie")
    auth(api_client, employer_token(company))
    bad = api_client.post(
        "/api/v1/employeur/fiches-de-poste/", {"appellation": "999999", "type_contrat": "X"}, format="json"
    )
    assert bad.status_code == 400
    created = api_client.post(
        "/api/v1/employeur/fiches-de-poste/",
        {"appellation": "11573", "type_contrat": "FIXED_TERM_I", "description": "Fournil"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["ouverte"] is True
    updated = api_client.put(
        f"/api/v1/employeur/fiches-de-poste/{pk}/",
        {"appellation": "11573", "type_contrat": "FIXED_TERM_I", "postes_ouverts": 3},
        format="json",
    )
    assert updated.json()["postes_ouverts"] == 3
    closed = api_client.delete(f"/api/v1/employeur/fiches-de-poste/{pk}/")
    assert closed.json()["ouverte"] is False
    assert len(api_client.get("/api/v1/employeur/fiches-de-poste/").json()) == 1
    other = make_job_description(CompanyFactory(with_member=True))
    assert api_client.get(f"/api/v1/employeur/fiches-de-poste/{other.pk}/").status_code == 404
    assert api_client.delete(f"/api/v1/employeur/fiches-de-poste/{other.pk}/").status_code == 404


# Token management pages -----------------------------------------------------------------------


def _login_employer(client, company, *, admin=True):
    membership = company.memberships.get()
    if not admin:
        membership.is_admin = False
        membership.save()
    client.force_login(membership.user)
    return membership.user


def test_admin_creates_and_revokes_a_personal_token(client, company):
    user = _login_employer(client, company)
    response = client.post("/api/jetons/", {"name": "Logiciel de paie"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("itou_")
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert secret not in str(ApiToken.objects.values().get())  # only the hash is stored
    assert client.get("/api/jetons/").content.decode().count(secret) == 0  # shown once
    response = client.post(f"/api/jetons/{token.pk}/revoquer/", follow=True)
    assert "est révoqué" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_name_is_required(client, company):
    _login_employer(client, company)
    response = client.post("/api/jetons/", {"name": "  "})
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_non_admins_and_other_organizations_get_404(client, company):
    other_company = CompanyFactory(with_member=True)
    other_token = employer_token(other_company)
    _login_employer(client, company)
    assert client.post(f"/api/jetons/{other_token.token.pk}/revoquer/").status_code == 404
    member = CompanyMembershipFactory(company=company, is_admin=False).user
    client.force_login(member)
    assert client.get("/api/jetons/").status_code == 404
    client.force_login(JobSeekerFactory())
    assert client.get("/api/jetons/").status_code == 404


def test_documentation_page_lists_the_endpoints(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Rechercher des employeurs solidaires", "Vérifier un PASS IAE", "/api/v1/employeur/candidatures/"):
        assert text in html
