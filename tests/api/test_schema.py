"""The OpenAPI schema: checked into the repository, and the API fuzzed from it (docs/api.md)."""

import datetime
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.management import call_command
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from itou.api.enums import TokenKind
from tests.api.conftest import employer_token, staff_token
from tests.approvals.factories import ApprovalFactory
from tests.companies.conftest import make_commune
from tests.companies.factories import CompanyFactory
from tests.job_applications.factories import JobApplicationFactory, make_job_description
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerProfileFactory

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_checked_in_schema_matches_the_code(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--api-version", "v1", "--file", str(generated), "--validate", "--fail-on-warn")
    assert yaml.safe_load(generated.read_text()) == yaml.safe_load(SCHEMA_FILE.read_text()), (
        "The API changed: regenerate docs/api/openapi.yaml with "
        '`make manage ARGS="spectacular --api-version v1 --file docs/api/openapi.yaml --validate"` and review it.'
    )


@pytest.fixture
def world(db):
    """A small department: employers with job descriptions, applications, a PASS, prescribers."""
    commune = make_commune(
        "42218", "Saint-Étienne", department="42", postal_codes=["42000"], latitude=45.4339, longitude=4.3903
    )
    company = CompanyFactory(with_member=True, commune=commune, latitude=45.44, longitude=4.39, post_code="42000")
    for _ in range(3):
        job = make_job_description(company)
        type(job).objects.filter(pk=job.pk).update(latitude=45.44, longitude=4.39)
    person = JobSeekerProfileFactory(birthdate=datetime.date(1990, 1, 1))
    JobApplicationFactory(to_company=company, job_seeker=person.user)
    JobApplicationFactory(to_company=company, sent_by_prescriber=True)
    ApprovalFactory(job_seeker=person.user)
    PrescriberOrganizationFactory(authorized=True, commune=commune, latitude=45.43, longitude=4.39)
    return {
        TokenKind.EMPLOYER: employer_token(company).secret,
        TokenKind.DEPARTMENT: staff_token(TokenKind.DEPARTMENT, department=commune.department).secret,
        TokenKind.PARTNER: staff_token(TokenKind.PARTNER).secret,
    }


@pytest.fixture
def unthrottled(monkeypatch):
    """In-process WSGI calls on the test transaction: like Django's test client, keep the
    connection open between requests, and lift the quotas (they have their own tests)."""
    from django.core import signals
    from django.db import close_old_connections

    from itou.api import auth

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)

    # The fuzzer sends hundreds of requests: the quotas have their own tests.
    for throttle in (auth.PublicThrottle, auth.DepartmentThrottle, auth.PartnerThrottle, auth.EmployerThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The checked-in schema (equal to the code's, test above), called in-process through WSGI
# on the test database.
schema = schemathesis.openapi.from_path(SCHEMA_FILE)
schema.app = application
# Every check but "valid data must be accepted": a search needs either code_insee or departement
# (not both), and a commune code must exist: constraints a schema of query parameters cannot
# express, answered by a documented 400 with a French message.
# The in-process client does not decompress: ask for the plain body (GZipMiddleware).
PLAIN = {"Accept-Encoding": "identity"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _token_for(path: str, world) -> str | None:
    if path.startswith("/api/v1/employeur/"):
        return world[TokenKind.EMPLOYER]
    if path.startswith("/api/v1/departements/"):
        return world[TokenKind.DEPARTMENT]
    if path.startswith("/api/v1/pass-iae/"):
        return world[TokenKind.PARTNER]
    return None


@schema.parametrize()
@hypothesis_settings(
    max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
def test_api_fuzzed_from_its_schema(case, world, unthrottled):
    """Positive and negative data on every operation, with the right token: no server error, and
    every response conforms to the schema (status code, content type, body)."""
    token = _token_for(case.path, world)
    headers = {"Authorization": f"Token {token}"} if token else {}
    case.call_and_validate(headers={**headers, **PLAIN}, checks=CHECKS)


@schema.parametrize()
@hypothesis_settings(
    max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None
)
def test_api_fuzzed_without_token(case, world, unthrottled):
    case.call_and_validate(headers=PLAIN, checks=CHECKS)
