"""The person lookup of the apply journey: "found / not found" until the professional proves
they know the person; throttled per user and per organization; each lookup logged."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from itou.audit.models import PersonLookup
from itou.prescribers.models import PrescriberMembership
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import ProfessionalFactory
from tests.www.apply.helpers import flow_id_of

KNOWS = {"first_name": "Camille", "last_name": "MARTIN", "birthdate": "1992-07-14"}
NOW = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def orienteur():
    """A prescriber whose organization is not authorized: the riskiest case of the probe."""
    user = ProfessionalFactory(first_name="Oscar")
    PrescriberOrganizationFactory(authorized=False, name="Association du quartier", with_member=user)
    return user


def start(client, company, user):
    client.force_login(user)
    return flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)


def search(client, flow_id, **data):
    return client.post(reverse("apply:person", args=[flow_id]), {"action": "next", **data})


def _reveals_nothing(html, job_seeker):
    profile = job_seeker.jobseeker_profile
    for secret in ("Camille", "MARTIN", "1992", profile.masked_nir, profile.nir[:5]):
        assert secret not in html, secret


@pytest.mark.parametrize("by", ["nir", "email"])
def test_nir_or_email_alone_only_says_found(client, company, orienteur, job_seeker, by):
    flow_id = start(client, company, orienteur)
    value = job_seeker.jobseeker_profile.nir if by == "nir" else job_seeker.email
    response = search(client, flow_id, **{by: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Un compte candidat correspond à" in html and "Pour l&#x27;afficher, indiquez aussi" in html
    _reveals_nothing(html.replace(value, ""), job_seeker)
    # Nothing was chosen: the confirmation page sends back to the search.
    confirm = client.get(reverse("apply:person_confirm", args=[flow_id]))
    assert confirm.url == reverse("apply:person", args=[flow_id])
    lookup = PersonLookup.objects.get()
    assert (lookup.user, lookup.found, lookup.proven, lookup.matched_by) == (orienteur, True, False, by)


def test_wrong_names_or_birth_date_reveal_nothing(client, company, orienteur, job_seeker):
    flow_id = start(client, company, orienteur)
    for wrong in ({"first_name": "Camilla"}, {"birthdate": "1992-07-15"}, {"last_name": "Martins"}):
        response = search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, **(KNOWS | wrong))
        html = response.content.decode()
        assert "mais pas avec ces prénom, nom et date de naissance" in html
        assert "Camille MARTIN" not in html and "Année de naissance" not in html
        assert client.get(reverse("apply:person_confirm", args=[flow_id])).status_code == 302
    assert PersonLookup.objects.filter(found=True, proven=False).count() == 3


def test_names_and_birth_date_prove_it(client, company, orienteur, job_seeker):
    flow_id = start(client, company, orienteur)
    response = search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, **KNOWS)
    assert response.url == reverse("apply:person_confirm", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert "Camille MARTIN" in html and job_seeker.jobseeker_profile.masked_nir in html
    assert PersonLookup.objects.get().proven


def test_not_found_is_logged(client, company, orienteur):
    flow_id = start(client, company, orienteur)
    search(client, flow_id, email="personne@example.com")
    lookup = PersonLookup.objects.get()
    assert not lookup.found and lookup.organization_key.startswith("prescriber:")


def test_throttled_per_user(client, company, orienteur, job_seeker, settings):
    settings.PERSON_LOOKUP_LIMITS = {"user": 3, "organization": 100}
    with time_machine.travel(NOW, tick=False):
        flow_id = start(client, company, orienteur)
        for n in range(3):
            assert search(client, flow_id, email=f"p{n}@example.com").status_code == 302
        response = search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, **KNOWS)
        assert response.status_code == 429
        assert "la recherche est suspendue pendant une heure" in response.content.decode()
        # Creating an account says whether a NIR is taken: throttled too.
        response = client.post(
            reverse("apply:person_create", args=[flow_id]),
            {**KNOWS, "nir": job_seeker.jobseeker_profile.nir, "action": "next"},
        )
        assert response.status_code == 429
        assert "déjà associé" not in response.content.decode()
    with time_machine.travel(NOW + datetime.timedelta(hours=1, seconds=1), tick=False):
        assert search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, **KNOWS).status_code == 302


def test_throttled_per_organization(client, company, orienteur, settings):
    settings.PERSON_LOOKUP_LIMITS = {"user": 100, "organization": 2}
    organization = PrescriberMembership.objects.get(user=orienteur).organization
    colleague = ProfessionalFactory()
    PrescriberMembership.objects.create(organization=organization, user=colleague)
    outsider = ProfessionalFactory()
    PrescriberOrganizationFactory(authorized=True, with_member=outsider)
    with time_machine.travel(NOW, tick=False):
        flow_id = start(client, company, orienteur)
        for n in range(2):
            search(client, flow_id, email=f"p{n}@example.com")
        client.logout()
        assert search(client, start(client, company, colleague), email="x@example.com").status_code == 429
        client.logout()
        # Another organization is not affected.
        assert search(client, start(client, company, outsider), email="x@example.com").status_code == 302
