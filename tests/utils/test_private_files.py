"""Private files on a real S3 store (SeaweedFS, tests/conftest.py `s3_server`): upload,
signed download after the permission check, never public, missing object, store down,
nothing half-saved, deletion by the retention job, moving local files to the store."""

import datetime
import hashlib
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from config.settings import s3_storage as s3_storage_settings
from itou.audit.retention import retention_run
from itou.exchanges.models import ApplicationMessage
from itou.exchanges.services import message_post
from itou.job_applications.enums import JobApplicationState
from itou.job_applications.models import JobApplication
from itou.utils.private_files import storing
from scripts.seaweed import ACCESS_KEY, SECRET_KEY, free_port_pair
from tests.conftest import StrictClient
from tests.job_applications.conftest import Cast
from tests.www.applications.conftest import login

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Root 1 0 R >>\nendobj\nstartxref\n9\n%%EOF\n"


@pytest.fixture
def cast():
    return Cast()


def _post_attachment(cast):
    return message_post(
        acting_user=cast.employer,
        job_application=cast.job_application,
        body="La fiche de poste",
        attachment=SimpleUploadedFile("fiche.pdf", PDF, content_type="application/pdf"),
    )


def _attachment_url(cast, message):
    return reverse("applications:message_attachment", args=[cast.job_application.pk, message.pk])


def _exists(s3, key) -> bool:
    try:
        s3.head_object(Bucket=s3.bucket, Key=key)
    except ClientError:
        return False
    return True


def test_upload_then_signed_download_after_the_permission_check(client, cast, s3_storage, s3_server):
    message = _post_attachment(cast)
    stored = s3_storage.get_object(Bucket=s3_storage.bucket, Key=message.attachment.name)
    assert stored["Body"].read() == PDF
    # Never public on the store: the plain object URL is refused.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_server.endpoint_url}/{s3_storage.bucket}/{message.attachment.name}")
    assert refused.value.code == 403

    url = _attachment_url(cast, message)
    login(client, cast.prescriber)
    response = client.get(url)
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{s3_server.endpoint_url}/{s3_storage.bucket}/exchanges/")
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=60" in location
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    with urllib.request.urlopen(location) as download:
        assert download.read() == PDF
        assert download.headers["Content-Disposition"].startswith("attachment;")
        assert download.headers["Content-Type"] == "application/pdf"

    # The permission check comes first: no signed URL for someone else.
    login(client, cast.other_employer)
    assert client.get(url).status_code == 404


def test_missing_object_is_a_clear_french_404(client, cast, s3_storage):
    message = _post_attachment(cast)
    s3_storage.delete_object(Bucket=s3_storage.bucket, Key=message.attachment.name)
    login(client, cast.prescriber)
    response = client.get(_attachment_url(cast, message))
    assert response.status_code == 404
    assert "n'est plus disponible sur notre espace de stockage" in response.content.decode()


def test_store_down_french_503_and_nothing_saved(cast, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_settings(
            "itou-down",
            endpoint_url=f"http://127.0.0.1:{free_port_pair()}",  # nothing listens there
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            timeout=1,
        ),
    }
    client = StrictClient(raise_request_exception=False)
    login(client, cast.employer)
    pdf = SimpleUploadedFile("fiche.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("applications:post_message", args=[cast.job_application.pk]), {"body": "La fiche", "attachment": pdf}
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "Service momentanément indisponible" in response.content.decode()
    assert not ApplicationMessage.objects.exists()


def test_row_that_fails_leaves_no_object(cast, s3_storage):
    application = cast.job_application
    application.state = None  # NOT NULL: the database refuses the row
    with (
        pytest.raises(IntegrityError),
        transaction.atomic(),
        storing(application.resume, "cv.pdf", ContentFile(PDF)) as name,
    ):
        application.save()
    assert name.startswith("resumes/")
    assert not _exists(s3_storage, name)


def test_retention_deletes_the_object_on_the_store(cast, s3_storage, django_capture_on_commit_callbacks):
    application = cast.job_application
    application.resume.save("cv.pdf", ContentFile(PDF), save=True)
    JobApplication.objects.filter(pk=application.pk).update(state=JobApplicationState.REFUSED, refusal_reason="other")
    key = application.resume.name
    assert _exists(s3_storage, key)
    with django_capture_on_commit_callbacks(execute=True):
        figures = retention_run(dry_run=False, now=timezone.now() + datetime.timedelta(days=3 * 365))
    assert figures.refused_resumes_deleted == 1
    assert not _exists(s3_storage, key)
    assert not JobApplication.objects.get(pk=application.pk).resume


def test_move_local_files_to_the_store(cast, settings, s3_storage, tmp_path, capsys):
    local = FileSystemStorage(location=settings.MEDIA_ROOT)
    name = local.save("exchanges/ancien.pdf", ContentFile(PDF))
    ApplicationMessage.objects.create(
        job_application=cast.job_application, author=cast.employer, author_side="employer", body="x", attachment=name
    )
    call_command("move_files_to_store", "--dry-run")
    assert "1 fichier(s) à copier" in capsys.readouterr().out
    assert not _exists(s3_storage, name)

    call_command("move_files_to_store")
    out = capsys.readouterr().out
    assert "1 copié(s), 0 déjà présent(s), 0 manquant(s), 0 erreur(s)" in out
    stored = s3_storage.get_object(Bucket=s3_storage.bucket, Key=name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(PDF).hexdigest()

    call_command("move_files_to_store")  # idempotent: checked, not copied again
    assert "0 copié(s), 1 déjà présent(s)" in capsys.readouterr().out
