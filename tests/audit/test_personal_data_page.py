"""The account page "Mes données personnelles": who viewed my CV, download, deletion request."""

import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.urls import reverse

from itou.audit.enums import AccessKind
from itou.audit.models import AccessLog, DeletionRequest
from tests.job_applications.factories import JobApplicationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

URL = reverse("dashboard:personal_data")


def test_the_holder_sees_who_viewed_their_cv(client, django_assert_max_num_queries):
    application = JobApplicationFactory()
    application.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 cv"), save=True)
    employer = application.to_company.memberships.first().user
    client.force_login(employer)
    client.get(reverse("applications:resume", args=[application.pk]))
    for _ in range(10):
        AccessLog.objects.create(viewer=ProfessionalFactory(), holder=application.job_seeker, kind=AccessKind.RESUME)

    client.force_login(application.job_seeker)
    # session, user, accesses with their viewer, pending deletion request (+ savepoints of the test client)
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    html = response.content.decode()
    assert employer.get_full_name() in html
    assert application.to_company.display_name in html
    assert html.count("<td>CV</td>") == 11


def test_nobody_else_sees_it(client):
    holder = JobSeekerFactory()
    viewer = ProfessionalFactory(first_name="Espion")
    AccessLog.objects.create(viewer=viewer, holder=holder, kind=AccessKind.RESUME)
    client.force_login(JobSeekerFactory())
    assert "Espion" not in client.get(URL).content.decode()
    client.force_login(viewer)
    html = client.get(URL).content.decode()
    assert "Consultations de vos documents" not in html and "<td>CV</td>" not in html


def test_download_has_the_json_and_the_cvs(client):
    application = JobApplicationFactory(message="Bonjour, c'est moi.")
    application.resume.save("cv.pdf", ContentFile(b"%PDF-1.4 mon cv"), save=True)
    job_seeker = application.job_seeker
    client.force_login(job_seeker)
    assert client.get(reverse("dashboard:personal_data_download")).status_code == 405
    response = client.post(reverse("dashboard:personal_data_download"))
    assert response["Content-Disposition"].startswith("attachment")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    data = json.loads(archive.read("mes-donnees.json"))
    assert data["compte"]["adresse_e_mail"] == job_seeker.email
    assert data["profil_candidat"]["numéro_de_sécurité_sociale"] == job_seeker.jobseeker_profile.nir
    (entry,) = data["candidatures"]
    assert entry["message"] == "Bonjour, c'est moi."
    assert archive.read(entry["cv"]) == b"%PDF-1.4 mon cv"


def test_deletion_request_once(client):
    user = JobSeekerFactory()
    client.force_login(user)
    client.post(reverse("dashboard:personal_data_delete"))
    response = client.post(reverse("dashboard:personal_data_delete"), follow=True)
    assert "déjà enregistrée" in response.content.decode()
    assert DeletionRequest.objects.filter(user=user).count() == 1
    assert "Vous avez demandé la suppression de votre compte" in client.get(URL).content.decode()


def test_anonymous_goes_to_login(client):
    for url in (URL, reverse("dashboard:personal_data_download")):
        assert client.get(url).status_code == 302
