"""The journey itself: "Retour" keeps what was typed, resuming, abandoning, state changing meanwhile."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itou.companies.enums import CompanyKind
from itou.job_applications import apply
from itou.job_applications.apply import resume_draft_name
from itou.job_applications.models import JobApplication
from itou.users.enums import LackOfNIRReason
from itou.www.apply.flow import MAX_FLOWS_PER_SESSION, SESSION_PREFIX
from tests.www.apply.helpers import flow_id_of, make_company, make_job, make_pdf


def start(client, company, user):
    client.force_login(user)
    return flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)


def test_back_keeps_what_was_typed(client, company, jobs, prescriber):
    flow_id = start(client, company, prescriber)
    create_url = reverse("apply:person_create", args=[flow_id])
    client.post(reverse("apply:person", args=[flow_id]), {"email": "lea@example.com", "action": "next"})
    client.post(
        create_url,
        {
            "first_name": "Léa",
            "last_name": "Moreau",
            "birthdate": "2000-04-01",
            "lack_of_nir_reason": LackOfNIRReason.NO_NIR,
            "email": "lea@example.com",
            "action": "next",
        },
    )
    job = jobs["Maraîcher ou maraîchère"]
    client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})

    # Typed in the message step, then "Retour" (not "Continuer"): the text and the CV are kept.
    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {
            "message": "Un message pas fini",
            "resume": SimpleUploadedFile("cv.pdf", make_pdf()),
            "action": "back",
        },
    )
    assert response.url == reverse("apply:jobs", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert f'value="{job.pk}" id="id_job_descriptions_1" checked' in html

    # "Retour" from the jobs step leads to the person created, with everything typed.
    response = client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "back"})
    assert response.url == create_url
    html = client.get(create_url).content.decode()
    assert 'value="Léa"' in html and 'value="Moreau"' in html and 'value="lea@example.com"' in html

    # Back from the creation form to the search: the draft survives, even unfinished.
    response = client.post(create_url, {"first_name": "Léa", "last_name": "", "action": "back"})
    assert response.url == reverse("apply:person", args=[flow_id])
    assert 'value="Léa"' in client.get(create_url).content.decode()

    html = client.get(reverse("apply:message", args=[flow_id])).content.decode()
    assert "Un message pas fini" in html
    assert "CV joint : cv.pdf" in html


def test_resume_from_the_company_page(client, company, jobs, job_seeker):
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    response = client.get(reverse("apply:start", args=[company.pk]), follow=True)
    # The same journey, at the first step still to do.
    assert response.redirect_chain[-1][0] == reverse("apply:message", args=[flow_id])
    assert "Vous reprenez la candidature commencée" in response.content.decode()


def test_cancel(client, company, jobs, job_seeker):
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Bonjour", "resume": SimpleUploadedFile("cv.pdf", make_pdf()), "action": "next"},
    )
    assert default_storage.exists(resume_draft_name(flow_id))
    html = client.get(reverse("apply:cancel", args=[flow_id])).content.decode()
    assert "Abandonner la candidature ?" in html
    client.post(reverse("apply:cancel", args=[flow_id]))
    assert not default_storage.exists(resume_draft_name(flow_id))
    assert client.get(reverse("apply:summary", args=[flow_id])).status_code == 404
    assert not JobApplication.objects.exists()


def test_replace_and_remove_the_cv(client, company, jobs, job_seeker):
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    url = reverse("apply:message", args=[flow_id])
    client.post(url, {"message": "Bonjour", "resume": SimpleUploadedFile("a.pdf", make_pdf("A")), "action": "next"})
    client.post(url, {"message": "Bonjour", "resume": SimpleUploadedFile("b.pdf", make_pdf("B")), "action": "next"})
    with default_storage.open(resume_draft_name(flow_id)) as stored:
        assert stored.read() == make_pdf("B")
    assert "b.pdf" in client.get(reverse("apply:summary", args=[flow_id])).content.decode()
    client.post(url, {"message": "Bonjour", "remove_resume": "on", "action": "next"})
    assert not default_storage.exists(resume_draft_name(flow_id))
    assert "CV : aucun" in client.get(reverse("apply:summary", args=[flow_id])).content.decode()


def test_cv_required_by_a_chosen_job(client, company, job_seeker):
    job = make_job(company, title="Cariste", is_cv_required=True, code="11997")
    flow_id = start(client, company, job_seeker)
    html = client.get(reverse("apply:jobs", args=[flow_id])).content.decode()
    assert "Cariste — CDD d&#x27;insertion (CDDI) — CV demandé" in html
    client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    response = client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    assert "Un CV est demandé pour « Cariste » : joignez-le au format PDF." in response.content.decode()


def test_cv_becomes_required_after_changing_jobs(client, company, jobs, job_seeker):
    job = make_job(company, title="Cariste", is_cv_required=True, code="11997")
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    # From the summary, "Modifier les postes", then a job that requires a CV.
    response = client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    assert response.url == reverse("apply:summary", args=[flow_id])
    response = client.get(response.url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("apply:message", args=[flow_id])
    assert "Un CV est demandé pour « Cariste »" in response.content.decode()


def test_job_closed_meanwhile(client, company, jobs, job_seeker):
    job = jobs["Jardinier ou jardinière"]
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    job.is_open = False
    job.save()
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("apply:jobs", args=[flow_id])
    html = response.content.decode()
    assert "Le recrutement est maintenant fermé pour « Jardinier ou jardinière »" in html
    assert not JobApplication.objects.exists()


def test_spontaneous_closed_meanwhile(client, company, jobs, job_seeker):
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    company.spontaneous_applications_open_since = None
    company.save()
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("apply:jobs", args=[flow_id])
    assert "ne reçoit plus de candidatures spontanées" in response.content.decode()
    assert not JobApplication.objects.exists()


def test_service_rechecks_when_the_page_was_right(client, company, jobs, job_seeker, monkeypatch):
    """A job closing between the summary's checks and the locked transaction: the service says so."""
    job = jobs["Jardinier ou jardinière"]
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    real_check_sender = apply._check_sender

    def close_then_check(**kwargs):
        type(job).objects.filter(pk=job.pk).update(is_open=False)
        return real_check_sender(**kwargs)

    monkeypatch.setattr(apply, "_check_sender", close_then_check)
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("apply:jobs", args=[flow_id])
    assert "Le recrutement est maintenant fermé" in response.content.decode()
    assert not JobApplication.objects.exists()


def test_company_with_nothing_open(client, job_seeker):
    company = make_company(spontaneous=False)
    make_job(company, is_open=False)
    client.force_login(job_seeker)
    response = client.get(reverse("apply:start", args=[company.pk]))
    html = response.content.decode()
    assert "ne recrute pas en ce moment" in html
    assert "aucune fiche de poste ouverte et ne reçoit pas de candidatures spontanées" in html


def test_job_seeker_applied_less_than_24_hours_ago(client, company, job_seeker):
    JobApplication.objects.create(
        job_seeker=job_seeker, to_company=company, sender=job_seeker, sender_kind="job_seeker"
    )
    client.force_login(job_seeker)
    html = client.get(reverse("apply:start", args=[company.pk])).content.decode()
    assert "Vous avez déjà postulé auprès de Les Jardins de Gerland le" in html
    assert "une nouvelle candidature sera possible à partir du" in html


def test_second_application_racing_at_the_summary(client, company, job_seeker):
    flow_id = start(client, company, job_seeker)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    # Sent from elsewhere (another tab, a prescriber) in the meantime.
    JobApplication.objects.create(
        job_seeker=job_seeker, to_company=company, sender=job_seeker, sender_kind="job_seeker"
    )
    response = client.post(reverse("apply:summary", args=[flow_id]))
    html = response.content.decode()
    assert "Candidature impossible pour l'instant" in html
    assert "Envoyer la candidature" not in html
    assert JobApplication.objects.count() == 1


def test_a_session_keeps_a_few_journeys(client, job_seeker):
    client.force_login(job_seeker)
    first = None
    for _n in range(MAX_FLOWS_PER_SESSION + 2):
        company = make_company(spontaneous=True)
        flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
        first = first or flow_id
    keys = [key for key in list(client.session.keys()) if key.startswith(SESSION_PREFIX)]
    assert len(keys) == MAX_FLOWS_PER_SESSION
    # The oldest one was dropped.
    assert client.get(reverse("apply:jobs", args=[first])).status_code == 404


def test_an_opcs_receives_no_application(client, job_seeker):
    opcs = make_company(kind=CompanyKind.OPCS, spontaneous=True)
    client.force_login(job_seeker)
    html = client.get(reverse("apply:start", args=[opcs.pk])).content.decode()
    assert "ne reçoit pas de candidatures" in html
    with pytest.raises(apply.CompanyNotOpen):
        apply.job_application_create(
            acting_user=job_seeker,
            job_seeker=job_seeker,
            company=opcs,
            selected_jobs=[],
            message="Bonjour",
            resume_file=None,
            sender_kind="job_seeker",
            sender_organization=None,
        )
