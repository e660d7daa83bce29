"""The cast of the apply journey (an ACI with job descriptions, a job seeker, a prescriber,
an employer): the same fixtures as tests/www/apply/conftest.py."""

import pytest
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.test import Client
from django.urls import reverse

from itou.help.pages import all_guides
from tests.security.world import build_world
from tests.www.apply.conftest import company, employer, job_seeker, jobs, prescriber  # noqa: F401 (fixtures)

# --- The outsiders' probe (test_url_sweep.py, test_hostile_input.py) -------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.test import override_settings

    media = tmp_path_factory.mktemp("sweep-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            w = build_world()
            w.media = media
            Authenticator.objects.create(
                user=w.staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
            )
            yield w
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def probe(world, probe_run, settings):
    """The world, the role's clients and the run-time fill, files under the world's media."""
    settings.MEDIA_ROOT = world.media
    return world, *probe_run


class Run:
    """The run-time values of the fill (a flow started by the owner, the year, a help page)."""


def clients(w):
    users = {
        "employer_a": w.employer_a,
        "employer_a_member": w.employer_a_member,
        "employer_b": w.employer_b,
        "employer_b_member": w.employer_b_member,
        "prescriber_a": w.prescriber_a,
        "prescriber_b": w.prescriber_b,
        "orienteur_b": w.orienteur_b,
        "ddets_a": w.ddets_a,
        "ddets_b": w.ddets_b,
        "dreets_b": w.dreets_b,
        "dgefp": w.dgefp,
        "job_seeker_a": w.job_seeker_a,
        "job_seeker_b": w.job_seeker_b,
        "buyer_a": w.buyer_a,
        "buyer_b": w.buyer_b,
        "controlled_company_admin": w.controlled_company_admin,
        "staff": w.staff,
    }
    result = {"anonymous": (Client(), None)}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        result[role] = (client, user)
    result["api_a"] = (Client(HTTP_AUTHORIZATION=f"Token {w.api_token_a.secret}"), None)
    for client, _ in result.values():
        client.raise_request_exception = False  # a crash is a 500 in the list, not the end of the sweep
    return result


def run_values(w, cs):
    r = Run()
    response = cs["prescriber_a"][0].get(reverse("apply:start", args=[w.company_a.pk]))
    assert response.status_code == 302, response
    r.flow_id = response["Location"].strip("/").split("/")[2]
    r.year = w.approval.start_at.year
    r.help_slug = next(iter(all_guides()))
    r.member_a_membership = w.company_a.memberships.get(user=w.employer_a_member).pk
    return r


@pytest.fixture(scope="module")
def probe_run(world):
    cs = clients(world)
    return cs, run_values(world, cs)
