"""Each sender's journey, end to end, through the test client."""

import datetime

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itou.job_applications.apply import resume_draft_name
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.notifications.models import SentEmail
from itou.users.enums import EducationLevel, UserKind
from itou.users.models import User
from tests.eligibility.factories import criteria
from tests.helpers import extract_link, run_pending_jobs
from tests.users.factories import JobSeekerFactory, nir_for
from tests.www.apply.helpers import flow_id_of, make_lyon, make_pdf

# What a professional who knows the job seeker of the fixture can tell.
KNOWS_CAMILLE = {"first_name": "camille", "last_name": "Martin", "birthdate": "1992-07-14"}


def pdf_upload(name="mon-cv.pdf"):
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


def test_job_seeker_applies_for_themself(client, company, jobs, job_seeker, django_capture_on_commit_callbacks):
    client.force_login(job_seeker)
    job = jobs["Jardinier ou jardinière"]

    # From the company's page, the link may preselect a job description.
    response = client.get(reverse("apply:start", args=[company.pk]) + f"?job={job.pk}")
    assert response.status_code == 302
    flow_id = flow_id_of(response.url)
    assert response.url == reverse("apply:jobs", args=[flow_id])  # complete profile: no profile step

    response = client.get(response.url)
    html = response.content.decode()
    assert "Étape 1 sur 3" in html
    assert "Jardinier ou jardinière" in html and "Maraîcher ou maraîchère" in html
    assert "Poste fermé" not in html
    assert f'value="{job.pk}" id="id_job_descriptions_0" checked' in html  # preselected

    response = client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    assert response.url == reverse("apply:message", args=[flow_id])

    response = client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Je cherche un poste en extérieur.", "resume": pdf_upload(), "action": "next"},
    )
    assert response.url == reverse("apply:summary", args=[flow_id])
    # The CV waits in private storage under the flow's temporary name.
    assert default_storage.exists(resume_draft_name(flow_id))

    html = client.get(response.url).content.decode()
    assert "Étape 3 sur 3" in html
    assert "Jardinier ou jardinière" in html
    assert "Je cherche un poste en extérieur." in html
    assert "mon-cv.pdf" in html
    assert job_seeker.jobseeker_profile.nir not in html

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("apply:summary", args=[flow_id]))
    application = JobApplication.objects.get()
    assert response.url == reverse("applications:detail", args=[application.pk])
    assert application.job_seeker == job_seeker
    assert application.sender == job_seeker
    assert application.sender_kind == SenderKind.JOB_SEEKER
    assert application.state == JobApplicationState.NEW
    assert list(application.selected_jobs.all()) == [job]
    assert application.message == "Je cherche un poste en extérieur."
    with default_storage.open(application.resume.name) as stored:
        assert stored.read() == make_pdf()
    assert not default_storage.exists(resume_draft_name(flow_id))
    assert JobApplicationTransitionLog.objects.filter(job_application=application, transition="create").exists()

    response = client.get(response.url)
    assert "Votre candidature a été envoyée à Les Jardins de Gerland." in response.content.decode()

    # A double click finds it sent: nothing more is created.
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert "Cette candidature a déjà été envoyée." in response.content.decode()
    assert JobApplication.objects.count() == 1


def test_job_seeker_completes_missing_profile_on_the_way(client, company):
    job_seeker = JobSeekerFactory(with_profile__nir="", with_profile__birthdate=None, with_profile__education_level="")
    lyon = make_lyon()
    client.force_login(job_seeker)
    response = client.get(reverse("apply:start", args=[company.pk]))
    flow_id = flow_id_of(response.url)
    assert response.url == reverse("apply:complete_profile", args=[flow_id])

    html = client.get(response.url).content.decode()
    assert "Étape 1 sur 4" in html
    for label in ("Date de naissance", "Numéro de sécurité sociale", "Commune de résidence", "Niveau de formation"):
        assert label in html
    # Jumping ahead sends back to the step to do.
    assert client.get(reverse("apply:summary", args=[flow_id])).url == reverse("apply:complete_profile", args=[flow_id])

    response = client.post(
        reverse("apply:complete_profile", args=[flow_id]),
        {"birthdate": "1999-02-03", "nir": "299020000000000", "commune": "Lyon", "commune_code": lyon.code},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "la clé est les 2 derniers" in html
    assert "Ce champ est obligatoire." in html  # education level

    response = client.post(
        reverse("apply:complete_profile", args=[flow_id]),
        {
            "birthdate": "1999-02-03",
            "nir": nir_for(77, year=99, month=2),
            "commune": "Lyon",
            "commune_code": lyon.code,
            "education_level": EducationLevel.BAC_LEVEL,
        },
    )
    assert response.url == reverse("apply:jobs", args=[flow_id])
    profile = User.objects.get(pk=job_seeker.pk).jobseeker_profile
    assert profile.missing_fields == []
    assert profile.nir == nir_for(77, year=99, month=2)
    # The step stays in the stepper, and can be visited again.
    html = client.get(reverse("apply:complete_profile", args=[flow_id])).content.decode()
    assert "Étape 1 sur 4" in html and "Numéro enregistré" in html


def test_prescriber_applies_for_an_existing_job_seeker(client, company, jobs, job_seeker, prescriber):
    client.force_login(prescriber)
    response = client.get(reverse("apply:start", args=[company.pk]))
    flow_id = flow_id_of(response.url)
    assert response.url == reverse("apply:person", args=[flow_id])
    # An authorized prescriber's journey has a diagnosis step before the summary.
    assert "Étape 1 sur 5" in client.get(response.url).content.decode()

    response = client.post(
        reverse("apply:person", args=[flow_id]),
        # The NIR finds them; names and birth date prove the prescriber knows them (docs/securite.md).
        {"nir": job_seeker.jobseeker_profile.nir, **KNOWS_CAMILLE, "action": "next"},
    )
    assert response.url == reverse("apply:person_confirm", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert "Camille MARTIN" in html
    assert job_seeker.jobseeker_profile.masked_nir in html
    assert job_seeker.jobseeker_profile.nir not in html
    assert "1992" in html
    assert "son numéro de sécurité sociale" in html

    response = client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "yes"})
    assert response.url == reverse("apply:jobs", args=[flow_id])
    response = client.post(reverse("apply:jobs", args=[flow_id]), {"spontaneous": "on", "action": "next"})
    assert response.url == reverse("apply:message", args=[flow_id])
    response = client.post(
        reverse("apply:message", args=[flow_id]), {"message": "Camille est très motivée.", "action": "next"}
    )
    assert response.url == reverse("apply:diagnosis", args=[flow_id])
    assert "Étape 4 sur 5" in client.get(response.url).content.decode()
    response = client.post(reverse("apply:diagnosis", args=[flow_id]), {"action": "none"})
    assert response.url == reverse("apply:summary", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert "Aucun diagnostic ne sera joint" in html
    assert "Candidature spontanée" in html
    assert "CV : aucun" in html

    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert "La candidature de Camille MARTIN a été envoyée à Les Jardins de Gerland." in response.content.decode()
    application = JobApplication.objects.get()
    organization = prescriber.prescriber_memberships.get().organization
    assert application.sender_kind == SenderKind.PRESCRIBER
    assert application.sender_prescriber_organization == organization
    assert application.is_spontaneous
    assert not application.resume


def test_prescriber_creates_a_new_job_seeker_on_the_way(
    client, company, jobs, prescriber, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://testserver"
    lyon = make_lyon()
    client.force_login(prescriber)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    nir = nir_for(4242, sex="1", year=98, month=11)

    # Nobody matches: the creation form comes prefilled with what was typed (the NIR masked).
    response = client.post(
        reverse("apply:person", args=[flow_id]), {"nir": nir, "email": "nouveau@example.com", "action": "next"}
    )
    assert response.url == reverse("apply:person_create", args=[flow_id])
    html = client.get(response.url).content.decode()
    assert "Aucun candidat ne correspond" in html
    assert 'value="nouveau@example.com"' in html
    assert nir not in html and f"{nir[:5]} ••" in html

    response = client.post(
        reverse("apply:person_create", args=[flow_id]),
        {
            "first_name": "Noé",
            "last_name": "Lefèvre",
            "birthdate": "1998-11-20",
            "nir": "",  # keeps the one typed at the search
            "email": "nouveau@example.com",
            "phone": "06 12 34 56 78",
            "commune": "Lyon",
            "commune_code": lyon.code,
            "education_level": EducationLevel.CAP_BEP_TRAINING,
            "action": "next",
        },
    )
    assert response.url == reverse("apply:jobs", args=[flow_id])
    assert not User.objects.filter(email="nouveau@example.com").exists()  # created when sent, not before

    job = jobs["Maraîcher ou maraîchère"]
    client.post(reverse("apply:jobs", args=[flow_id]), {"job_descriptions": [job.pk], "action": "next"})
    client.post(
        reverse("apply:message", args=[flow_id]),
        {"message": "Noé sort d'une formation.", "resume": pdf_upload(), "action": "next"},
    )
    # The diagnosis, for a person who has no account yet: made with the account, at sending.
    page = client.get(reverse("apply:diagnosis", args=[flow_id])).content.decode()
    assert "Noé LEFÈVRE" in page
    rsa = criteria()["RSA"]
    client.post(reverse("apply:diagnosis", args=[flow_id]), {"administrative_criteria": [rsa.pk], "action": "new"})
    html = client.get(reverse("apply:summary", args=[flow_id])).content.decode()
    assert rsa.name in html and "Un nouveau diagnostic sera enregistré à l'envoi" in html
    assert "Nouveau compte" in html
    assert "Noé LEFÈVRE" in html
    assert "20/11/1998" in html
    assert f"{nir[:5]} ••" in html and nir not in html
    assert "recevra un e-mail à nouveau@example.com" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("apply:summary", args=[flow_id]))
    new = User.objects.get(email="nouveau@example.com")
    assert new.kind == UserKind.JOB_SEEKER
    assert not new.has_usable_password()
    assert new.jobseeker_profile.nir == nir
    assert new.jobseeker_profile.commune == lyon
    application = JobApplication.objects.get()
    assert application.job_seeker == new
    assert application.sender == prescriber
    assert application.eligibility_diagnosis.job_seeker == new
    assert list(application.eligibility_diagnosis.administrative_criteria.all()) == [rsa]

    run_pending_jobs()
    email = SentEmail.objects.get(to=["nouveau@example.com"], subject__contains="Votre compte")
    assert "Sophie DURAND (France Travail Lyon 7) a créé pour vous un compte" in email.body
    link = extract_link(email.body, "/comptes/password/reset/key/")
    response = client.get(link.removeprefix("http://testserver"), follow=True)
    assert response.status_code == 200


def test_employer_self_prescription(client, company, jobs, job_seeker, employer):
    client.force_login(employer)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    client.post(
        reverse("apply:person", args=[flow_id]),
        {"email": "CAMILLE.martin@example.com", **KNOWS_CAMILLE, "action": "next"},
    )
    html = client.get(reverse("apply:person_confirm", args=[flow_id])).content.decode()
    assert "son adresse e-mail" in html
    client.post(reverse("apply:person_confirm", args=[flow_id]), {"action": "yes"})
    client.post(
        reverse("apply:jobs", args=[flow_id]),
        {"job_descriptions": [jobs["Jardinier ou jardinière"].pk], "action": "next"},
    )
    # The message is optional for auto-prescription.
    response = client.post(reverse("apply:message", args=[flow_id]), {"message": "", "action": "next"})
    assert response.url == reverse("apply:summary", args=[flow_id])
    response = client.post(reverse("apply:summary", args=[flow_id]), follow=True)
    assert "La candidature de Camille MARTIN est enregistrée chez Les Jardins de Gerland." in (
        response.content.decode()
    )
    application = JobApplication.objects.get()
    assert application.sender_kind == SenderKind.EMPLOYER
    assert application.sender_company == company
    assert application.sender_prescriber_organization is None


def test_summary_query_count(client, company, jobs, job_seeker, django_assert_max_num_queries):
    client.force_login(job_seeker)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    client.post(
        reverse("apply:jobs", args=[flow_id]),
        {"job_descriptions": [job.pk for job in jobs.values() if job.is_open], "action": "next"},
    )
    client.post(reverse("apply:message", args=[flow_id]), {"message": "Bonjour", "action": "next"})
    with django_assert_max_num_queries(20):
        assert client.get(reverse("apply:summary", args=[flow_id])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("apply:jobs", args=[flow_id])).status_code == 200


def test_birthdate_is_in_the_past(client, company, prescriber):
    client.force_login(prescriber)
    flow_id = flow_id_of(client.get(reverse("apply:start", args=[company.pk])).url)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    response = client.post(
        reverse("apply:person", args=[flow_id]),
        {"first_name": "A", "last_name": "B", "birthdate": tomorrow, "action": "next"},
    )
    assert "La date de naissance doit être dans le passé." in response.content.decode()
