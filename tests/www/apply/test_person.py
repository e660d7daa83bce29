"""Finding the person (prescribers and employers): NIR, then email, then name + birthdate; never a duplicate."""

import datetime

import pytest
from django.urls import reverse

from itou.job_applications.models import JobApplication
from itou.users.enums import LackOfNIRReason, UserKind
from itou.users.models import User
from tests.users.factories import JobSeekerFactory, nir_for
from tests.www.apply.helpers import flow_id_of
from tests.www.apply.test_flows import KNOWS_CAMILLE


@pytest.fixture
def flow_id(client, company, prescriber):
    client.force_login(prescriber)
    return flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)


def search(client, flow_id, **data):
    return client.post(reverse("apply:person", args=[flow_id]), {"action": "next", **data})


def test_search_needs_something(client, flow_id):
    response = search(client, flow_id)
    assert "Indiquez au moins le numéro de sécurité sociale" in response.content.decode()
    response = search(client, flow_id, last_name="Martin")
    assert "indiquez le prénom, le nom et la date de naissance" in response.content.decode()


def test_search_refuses_an_invalid_nir(client, flow_id):
    response = search(client, flow_id, nir="1 90 05 69 001 001 00")
    assert "vérifiez les 15 chiffres (la clé est les 2 derniers)" in response.content.decode()


def test_nir_first(client, flow_id, job_seeker):
    other = JobSeekerFactory(email="autre@example.com")
    search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, email=other.email, **KNOWS_CAMILLE)
    html = client.get(reverse("apply:person_confirm", args=[flow_id])).content.decode()
    assert "Camille MARTIN" in html and "son numéro de sécurité sociale" in html


def test_email_then(client, flow_id, job_seeker):
    search(client, flow_id, nir=nir_for(9090), email="Camille.Martin@example.com")
    html = client.get(reverse("apply:person_confirm", args=[flow_id])).content.decode()
    # The account has another NIR: no match is proposed, the contradiction is explained.
    assert "Camille MARTIN" not in html

    response = search(client, flow_id, nir=nir_for(9090), email="Camille.Martin@example.com")
    assert "avec un autre numéro de sécurité sociale" in response.content.decode()

    job_seeker.jobseeker_profile.nir = ""
    job_seeker.jobseeker_profile.lack_of_nir_reason = LackOfNIRReason.TEMPORARY_NUMBER
    job_seeker.jobseeker_profile.save()
    response = search(client, flow_id, nir=nir_for(9090), email="Camille.Martin@example.com", **KNOWS_CAMILLE)
    assert response.url == reverse("apply:person_confirm", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert "Camille MARTIN" in html and "son adresse e-mail" in html
    assert "Numéro temporaire (NIA/NTT)" in html


def test_name_and_birthdate_last(client, flow_id, job_seeker):
    response = search(client, flow_id, first_name="camille", last_name="MARTIN", birthdate="1992-07-14")
    assert response.url == reverse("apply:person_confirm", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert "ses nom, prénom et date de naissance" in html

    # "Not them": a homonym. The creation form comes prefilled; the same search no longer proposes them.
    response = client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "no"})
    assert response.url == reverse("apply:person_create", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert 'value="camille"' in html and 'value="1992-07-14"' in html
    response = search(client, flow_id, first_name="Camille", last_name="Martin", birthdate="1992-07-14")
    assert response.url == reverse("apply:person_create", args=[flow_id])

    # The homonym gets their own account, the first one is untouched.
    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "birthdate": "1992-07-14",
            "lack_of_nir_reason": LackOfNIRReason.NO_NIR,
            "action": "next",
        },
    )
    assert response.url == reverse("apply:jobs", args=[flow_id])


def test_not_them_after_a_nir_match_means_a_wrong_nir(client, flow_id, job_seeker):
    search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, **KNOWS_CAMILLE)
    response = client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "no"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("apply:person", args=[flow_id])
    assert "un numéro n&#x27;appartient qu&#x27;à une personne" in response.content.decode()


def test_creating_with_the_nir_of_another_person_is_refused(client, flow_id, job_seeker):
    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        {
            "first_name": "Jean",
            "last_name": "Autre",
            "birthdate": "1980-01-01",
            "nir": job_seeker.jobseeker_profile.nir,
            "action": "next",
        },
    )
    assert response.status_code == 200
    assert "déjà associé au compte d&#x27;une autre personne" in response.content.decode()
    assert User.objects.filter(kind=UserKind.JOB_SEEKER).count() == 1


def test_creating_with_an_existing_email_is_refused(client, flow_id, job_seeker):
    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        {
            "first_name": "Jean",
            "last_name": "Autre",
            "birthdate": "1980-01-01",
            "lack_of_nir_reason": LackOfNIRReason.NO_NIR,
            "email": "CAMILLE.MARTIN@example.com",
            "action": "next",
        },
    )
    assert "Un compte existe déjà avec cette adresse e-mail" in response.content.decode()


def test_creating_an_existing_person_proposes_them(client, flow_id, job_seeker):
    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        {
            "first_name": "Camille",
            "last_name": "Martin",
            "birthdate": "1992-07-14",
            "lack_of_nir_reason": LackOfNIRReason.NO_NIR,
            "action": "next",
        },
    )
    assert response.url == reverse("apply:person_confirm", args=[flow_id])
    assert "Camille MARTIN" in client.get(response.url).content.decode()


def test_creating_needs_a_nir_or_a_reason(client, flow_id):
    data = {"first_name": "Jean", "last_name": "Neuf", "birthdate": "1980-01-01", "action": "next"}
    response = client.post(reverse("apply:person_create", args=[flow_id]), data)
    assert "ou choisissez ci-dessous la raison" in response.content.decode()
    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        data | {"nir": nir_for(31), "lack_of_nir_reason": LackOfNIRReason.NO_NIR},
    )
    assert "laissez ce choix vide" in response.content.decode()


def test_nir_taken_between_the_steps_and_the_sending(client, company, flow_id):
    nir = nir_for(5151)
    client.post(
        reverse("apply:person_create", args=[flow_id]),
        {"first_name": "Jean", "last_name": "Neuf", "birthdate": "1980-01-01", "nir": nir, "action": "next"},
    )
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    client.post(reverse("apply:diagnosis", args=[flow_id]), {"action": "none"})
    # Meanwhile, someone else registers the same person.
    JobSeekerFactory(with_profile__nir=nir)
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("apply:person", args=[flow_id])
    assert "déjà associé au compte d&#x27;une autre personne" in html
    assert not JobApplication.objects.exists()
    assert User.objects.filter(kind=UserKind.JOB_SEEKER).count() == 1


def test_job_seeker_applied_less_than_24_hours_ago(client, company, flow_id, job_seeker):
    JobApplication.objects.create(
        job_seeker=job_seeker, to_company=company, sender=job_seeker, sender_kind="job_seeker"
    )
    search(client, flow_id, nir=job_seeker.jobseeker_profile.nir, **KNOWS_CAMILLE)
    response = client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Camille MARTIN a déjà postulé auprès de Les Jardins de Gerland le" in html
    assert "une nouvelle candidature sera possible à partir du" in html
    assert JobApplication.objects.count() == 1


def test_lookup_by_name_narrows_on_the_birthdate(client, flow_id, job_seeker, django_assert_max_num_queries):
    for n in range(5):
        JobSeekerFactory(
            first_name="Camille", last_name="Martin", with_profile__birthdate=datetime.date(1990, 1, n + 1)
        )
    # +3 since the lookups are throttled and logged (two counts, one insert: itou/audit).
    with django_assert_max_num_queries(15):
        response = search(client, flow_id, first_name="Camille", last_name="Martin", birthdate="1992-07-14")
    assert response.url == reverse("apply:person_confirm", args=[flow_id])
