"""Bad input: French messages, nothing half-saved, never a 500."""

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itou.job_applications.apply import RESUME_DRAFT_DIR, resume_draft_name
from itou.job_applications.models import RESUME_MAX_SIZE, JobApplication
from tests.www.apply.helpers import flow_id_of, make_company, make_job, make_pdf


def at_message_step(client, company, user):
    client.force_login(user)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    return flow_id


def test_a_renamed_file_is_not_a_pdf(client, company, job_seeker):
    flow_id = at_message_step(client, company, job_seeker)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000
    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Bonjour", "resume": SimpleUploadedFile("cv.pdf", png, "application/pdf"), "action": "next"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce fichier n&#x27;est pas un PDF." in html
    assert "fr-upload-group--error" in html
    assert "Bonjour" in html  # what was typed is still there
    assert not default_storage.exists(resume_draft_name(flow_id))
    # Nothing was kept: the step is still to do.
    assert client.get(reverse("apply:summary", args=[flow_id])).url == reverse("apply:message", args=[flow_id])


def test_a_broken_pdf(client, company, job_seeker):
    flow_id = at_message_step(client, company, job_seeker)
    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Bonjour", "resume": SimpleUploadedFile("cv.pdf", make_pdf()[:200]), "action": "next"},
    )
    assert "Ce PDF semble abîmé ou incomplet" in response.content.decode()


def test_a_50_mb_file_is_refused_before_reading_it(client, company, job_seeker):
    flow_id = at_message_step(client, company, job_seeker)
    big = make_pdf()[:9] + b"%" + b"0" * (50 * 1024 * 1024) + b"\n" + make_pdf()[9:]
    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Bonjour", "resume": SimpleUploadedFile("cv.pdf", big), "action": "next"},
    )
    assert response.status_code == 413
    html = response.content.decode()
    assert "Ce fichier pèse 50,0 Mo : le CV ne doit pas dépasser 5 Mo." in html
    assert "Rien n&#x27;a été enregistré" in html
    assert not default_storage.exists(RESUME_DRAFT_DIR) or not default_storage.listdir(RESUME_DRAFT_DIR)[1]


def test_just_over_the_limit_is_cut_while_reading(client, company, job_seeker):
    """Under the request limit but over the CV limit: the upload handler stops reading the file."""
    flow_id = at_message_step(client, company, job_seeker)
    pdf = make_pdf()
    just_over = pdf[:9] + b"%" + b"0" * (RESUME_MAX_SIZE - len(pdf)) + b"\n" + pdf[9:]
    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Mon message", "resume": SimpleUploadedFile("cv.pdf", just_over), "action": "next"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce fichier est trop lourd : le CV ne doit pas dépasser 5 Mo." in html
    assert "Mon message" in html  # the other fields were still read
    assert not default_storage.exists(resume_draft_name(flow_id))


def test_csrf_is_still_checked_on_the_upload_step(company, job_seeker):
    from tests.conftest import StrictClient

    client = StrictClient(enforce_csrf_checks=True)
    flow_id = at_message_step(client, company, job_seeker)
    response = client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    assert response.status_code == 403


def test_forged_job_description_ids(client, company, jobs, job_seeker):
    client.force_login(job_seeker)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    url = reverse("apply:jobs", args=[flow_id])
    foreign = make_job(make_company(), title="Ailleurs")
    closed = jobs["Poste fermé"]
    for forged in (foreign.pk, closed.pk, "abc", 10**12):
        response = client.post(url, {"job_descriptions": [forged], "action": "next"})
        assert response.status_code == 200
        html = response.content.decode()
        assert "choisissez parmi les fiches proposées" in html, forged
    response = client.post(url, {"job_descriptions": [jobs["Jardinier ou jardinière"].pk], "spontaneous": "on"})
    assert "pas les deux" in response.content.decode()
    response = client.post(url, {"action": "next"})
    assert "Choisissez au moins une fiche de poste, ou la candidature spontanée." in response.content.decode()


def test_forged_job_in_the_start_link(client, company, job_seeker):
    client.force_login(job_seeker)
    foreign = make_job(make_company(), title="Ailleurs")
    for forged in (foreign.pk, "abc", "99999999999999"):
        response = client.get(reverse("apply:start", args=[company.pk]) + f"?job={forged}", follow=True)
        assert response.status_code == 200
        assert "n&#x27;appartient pas à cette structure" in response.content.decode()


def test_forged_company_ids(client, job_seeker):
    client.force_login(job_seeker)
    assert client.get(reverse("apply:start", args=[987654])).status_code == 404
    inactive = make_company(spontaneous=True, is_active=False)
    assert client.get(reverse("apply:start", args=[inactive.pk])).status_code == 404
    assert client.get("/postuler/-1/").status_code == 404


def test_company_becoming_inactive_during_the_journey(client, company, job_seeker):
    flow_id = at_message_step(client, company, job_seeker)
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    company.is_active = False
    company.save()
    assert client.get(reverse("apply:summary", args=[flow_id])).status_code == 404
    assert client.post(reverse("apply:summary", args=[flow_id])).status_code == 404
    assert not JobApplication.objects.exists()


def test_forged_flow_ids(client, company, job_seeker):
    client.force_login(job_seeker)
    for flow_id in ("x", "a" * 22, "../../etc", "None"):
        assert client.get(f"/postuler/parcours/{flow_id}/recapitulatif/").status_code == 404


def test_message_too_long(client, company, job_seeker):
    flow_id = at_message_step(client, company, job_seeker)
    response = client.post(reverse("apply:message", args=[flow_id]), {"message": "x" * 3001, "action": "next"})
    assert "3000 caractères" in response.content.decode()
