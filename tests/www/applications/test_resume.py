"""The CV: a private file, served only to those involved."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.prescribers.factories import PrescriberMembershipFactory
from tests.www.applications.conftest import login

PDF = b"%PDF-1.4\n% un CV\n%%EOF\n"


@pytest.fixture
def with_resume(cast):
    cast.job_application.resume.save("cv.pdf", ContentFile(PDF), save=True)
    return cast


def url(cast):
    return reverse("applications:resume", args=[cast.job_application.pk])


@pytest.mark.parametrize("role", ["employer", "colleague", "prescriber", "job_seeker"])
def test_those_involved_get_the_file(client, with_resume, role):
    login(client, getattr(with_resume, role))
    response = client.get(url(with_resume))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    # A download, never rendered as a page of the site (docs/securite.md).
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inline_only_for_the_in_page_viewer(client, with_resume):
    login(client, with_resume.employer)
    frame = {"HTTP_SEC_FETCH_DEST": "iframe", "HTTP_SEC_FETCH_SITE": "same-origin"}
    response = client.get(url(with_resume), {"apercu": "1"}, **frame)
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    # The same address opened directly, or framed by another site: a download.
    for headers in ({}, {"HTTP_SEC_FETCH_DEST": "document"}, frame | {"HTTP_SEC_FETCH_SITE": "cross-site"}):
        response = client.get(url(with_resume), {"apercu": "1"}, **headers)
        assert response["Content-Disposition"].startswith("attachment"), headers


def test_each_view_by_someone_else_is_logged(client, with_resume):
    from itou.audit.enums import AccessKind
    from itou.audit.models import AccessLog

    login(client, with_resume.employer)
    client.get(url(with_resume))
    log = AccessLog.objects.get()
    assert (log.viewer, log.holder, log.kind) == (with_resume.employer, with_resume.job_seeker, AccessKind.RESUME)
    assert log.object_ref == str(with_resume.job_application.pk)
    assert log.viewer_organization.startswith("company:")
    # The holder reading their own CV is not logged; a refused view is not either.
    login(client, with_resume.job_seeker)
    client.get(url(with_resume))
    login(client, with_resume.other_employer)
    client.get(url(with_resume))
    assert AccessLog.objects.count() == 1


def test_sender_organization_colleague(client, with_resume):
    colleague = PrescriberMembershipFactory(
        organization=with_resume.job_application.sender_prescriber_organization
    ).user
    login(client, colleague)
    assert client.get(url(with_resume)).status_code == 200


@pytest.mark.parametrize("role", ["other_employer", "other_prescriber", "outsider", "other_job_seeker"])
def test_others_get_404(client, with_resume, role):
    login(client, getattr(with_resume, role))
    assert client.get(url(with_resume)).status_code == 404


def test_anonymous(client, with_resume):
    assert client.get(url(with_resume)).status_code == 302


def test_no_resume_or_missing_file(client, cast):
    login(client, cast.employer)
    assert client.get(url(cast)).status_code == 404
    cast.job_application.resume.name = "resumes/absent.pdf"
    cast.job_application.save()
    assert client.get(url(cast)).status_code == 404


def test_detail_links_to_the_view_not_to_media(client, with_resume):
    login(client, with_resume.employer)
    content = client.get(reverse("applications:detail", args=[with_resume.job_application.pk])).content.decode()
    assert url(with_resume) in content
    assert "resumes/" not in content
