"""The person lookup of the apply journey: "found / not found" until the professional proves
they know the person; throttled per user and per organization; each lookup logged."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from itou.audit.models import PersonLookup
from itou.prescribers.models import PrescriberMembership
from itou.users.enums import UserKind
from itou.users.models import User
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


def _page_without_tokens(client, url: str, flow_id: str) -> str:
    html = client.get(url).content.decode().replace(flow_id, "FLOW")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_professionals_email_answers_like_nobody(client, company, jobs, orienteur):
    """Searching a professional's address gives exactly the answer for an unknown one; the
    account creation then fails at sending with a generic message, and nothing is created."""
    ProfessionalFactory(email="agent.public@example.org")
    answers = []
    for email in ("agent.public@example.org", "personne.inconnue@example.org"):
        flow_id = start(client, company, orienteur)
        response = search(client, flow_id, email=email)
        assert response.url == reverse("apply:person_create", args=[flow_id])
        page = _page_without_tokens(client, response.url, flow_id).replace(email, "EMAIL")
        answers.append(page)
        client.logout()
    assert answers[0] == answers[1]
    assert "compte d&#x27;un professionnel" not in answers[0]

    # The professional's address goes through the creation form like any other…
    flow_id = start(client, company, orienteur)
    search(client, flow_id, email="agent.public@example.org")
    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        {**KNOWS, "lack_of_nir_reason": "NO_NIR", "email": "agent.public@example.org", "action": "next"},
    )
    assert response.url == reverse("apply:jobs", args=[flow_id])
    job = next(iter(jobs.values()))
    client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    # …and sending fails cleanly, with words that do not say whose address it is.
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cette adresse e-mail ne peut pas être utilisée pour le compte de ce candidat" in html
    assert "compte d&#x27;un professionnel" not in html
    assert not User.objects.filter(kind=UserKind.JOB_SEEKER).exists()
