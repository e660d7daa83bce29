"""Support requests: the form, its context, throttling, the staff inbox, answering back."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itou.support import services
from itou.support.models import SupportMessage, SupportRequest
from tests.companies.factories import login_as_staff
from tests.helpers import extract_link, freeze_time, last_email_to, run_pending_jobs
from tests.users.factories import JobSeekerFactory
from tests.www.applications.conftest import login
from tests.www.apply.helpers import make_pdf

NEW = reverse("support:new")


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    freeze_time(time_machine)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def data(**overrides):
    return {
        "category": "account",
        "subject": "Je n'arrive pas à me connecter",
        "body": "Bonjour, aidez-moi.",
        **overrides,
    }


def test_anonymous_visitor_writes_with_an_email(client, commit):
    with commit():
        response = client.post(NEW, data(email="lea@example.com", page="/rechercher/employeurs/"))
    support_request = SupportRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:thread", args=[support_request.access_token])
    assert (support_request.email, support_request.user, support_request.status) == ("lea@example.com", None, "new")
    assert support_request.user_role == "Visiteur non connecté"
    assert support_request.page == "/rechercher/employeurs/"
    assert support_request.ip_address == "127.0.0.1"
    run_pending_jobs()
    email = last_email_to("lea@example.com")
    assert reverse("support:thread", args=[support_request.access_token]) in email.body


def test_anonymous_email_required_and_bad_input(client):
    response = client.post(NEW, data())
    assert "Indiquez votre adresse e-mail" in response.text
    response = client.post(NEW, data(email="pas-une-adresse", body="", category="inconnue"))
    assert "Cette adresse e-mail n&#x27;est pas valide" in response.text
    assert "Écrivez votre message." in response.text
    assert "Sélectionnez un choix valide" in response.text or "Choisissez" in response.text
    response = client.post(NEW, data(email="a@example.com", body="x" * 5001))
    assert "5000 caractères au plus" in response.text
    image = SimpleUploadedFile("capture.pdf", b"\x89PNG\r\n\x1a\n0000", content_type="application/pdf")
    response = client.post(NEW, {**data(email="a@example.com"), "attachment": image})
    assert "Ce fichier n&#x27;est pas un PDF" in response.text
    assert not SupportRequest.objects.exists()


def test_flood_from_one_ip_is_throttled_in_french(client):
    for n in range(services.MAX_REQUESTS_PER_IP):
        assert client.post(NEW, data(email=f"a{n}@example.com")).status_code == 302
    response = client.post(NEW, data(email="encore@example.com"))
    assert response.status_code == 429
    assert "Réessayez dans une heure" in response.text
    assert SupportRequest.objects.count() == services.MAX_REQUESTS_PER_IP
    # Another IP is not concerned.
    assert client.post(NEW, data(email="b@example.com"), REMOTE_ADDR="10.0.0.2").status_code == 302


def test_throttle_window_passes(client, time_machine):
    for n in range(services.MAX_REQUESTS_PER_IP):
        client.post(NEW, data(email=f"a{n}@example.com"))
    time_machine.shift(3601)
    assert client.post(NEW, data(email="apres@example.com")).status_code == 302


def test_employer_context_is_attached(client):
    from tests.job_applications.conftest import Cast

    cast = Cast()
    login(client, cast.employer, cast.company)
    page = reverse("applications:detail", args=[cast.job_application.pk])
    response = client.post(NEW, data(page=page, category="application"))
    assert response.status_code == 302
    support_request = SupportRequest.objects.get()
    assert support_request.user == cast.employer
    assert support_request.email == cast.employer.email
    assert support_request.user_role == cast.employer.get_kind_display()
    assert cast.company.display_name in support_request.organization_label
    assert support_request.job_application == cast.job_application
    assert support_request.page == page


def test_no_application_attached_when_the_user_does_not_see_it(client):
    from tests.job_applications.conftest import Cast

    cast = Cast()
    login(client, cast.other_employer)
    client.post(NEW, data(page=reverse("applications:detail", args=[cast.job_application.pk])))
    assert SupportRequest.objects.get().job_application is None


def test_external_page_is_not_kept(client):
    client.post(NEW, data(email="a@example.com", page="https://evil.example.com/x"))
    assert SupportRequest.objects.get().page == ""


def test_suggestions_while_typing(client):
    response = client.get(reverse("support:suggestions"), {"subject": "suspension du PASS", "body": ""})
    assert reverse("help:page", args=["pass-iae"]) in response.text
    assert "<html" not in response.text  # a fragment for htmx
    assert client.get(reverse("support:suggestions"), {"subject": "", "body": ""}).text.strip() == ""
    form = client.get(NEW).text
    assert 'hx-get="/support/suggestions/"' in form
    assert "<script>" not in form.split("</header>")[1].split("<footer")[0]


def test_footer_link_carries_the_page(client):
    html = client.get(reverse("help:index")).text
    assert 'href="/support/?depuis=/aide/"' in html


def test_staff_reply_then_user_answers_back_by_link(client, commit):
    with commit():
        client.post(NEW, data(email="lea@example.com", body="<script>alert(1)</script> Mon compte"))
    support_request = SupportRequest.objects.get()
    from django.test import Client

    admin_client = Client()
    staff = login_as_staff(admin_client)
    url = reverse("admin:support_supportrequest_change", args=[support_request.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    with commit():
        response = admin_client.post(
            url,
            {
                "assigned_to": "",
                "reply": "Bonjour, réinitialisez votre mot de passe.",
                "note": "Cas classique",
                "_continue": "1",
                # The (read-only) messages' inline formset.
                "messages-TOTAL_FORMS": "1",
                "messages-INITIAL_FORMS": "1",
                "messages-0-id": str(support_request.messages.get().pk),
                "messages-0-request": str(support_request.pk),
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    support_request.refresh_from_db()
    assert support_request.status == "waiting_for_user"
    assert support_request.first_response_at is not None
    assert support_request.assigned_to == staff
    assert SupportMessage.objects.filter(internal_note=True).count() == 1
    run_pending_jobs()
    email = last_email_to("lea@example.com")
    assert "réinitialisez votre mot de passe" in email.body
    link = extract_link(email.body, "/support/demande/")

    # The user follows the link: the reply, not the internal note; HTML shown as text.
    client.logout()
    thread = client.get(link.removeprefix("http://testserver"))
    assert "réinitialisez votre mot de passe" in thread.text
    assert "Cas classique" not in thread.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in thread.text
    response = client.post(link.removeprefix("http://testserver"), {"body": "Merci, c'est bon."})
    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == "in_progress"
    assert support_request.messages.count() == 4
    # An empty answer: a French error, nothing added.
    response = client.post(link.removeprefix("http://testserver"), {"body": " "})
    assert "Écrivez votre message." in response.text
    assert support_request.messages.count() == 4


def test_unknown_token_and_other_user_get_404(client):
    job_seeker = JobSeekerFactory()
    login(client, job_seeker)
    client.post(NEW, data())
    support_request = SupportRequest.objects.get()
    url = reverse("support:thread", args=[support_request.access_token])
    assert client.get(url).status_code == 200
    assert client.get(reverse("support:thread", args=["inconnu"])).status_code == 404
    login(client, JobSeekerFactory())
    assert client.get(url).status_code == 404


def test_user_sees_their_requests_in_their_account(client, django_assert_max_num_queries):
    job_seeker = JobSeekerFactory()
    login(client, job_seeker)
    client.post(NEW, data(subject="Ma première demande"))
    client.post(NEW, data(subject="Ma seconde demande"))
    with django_assert_max_num_queries(6):
        html = client.get(reverse("support:mine")).text
    assert "Ma première demande" in html and "Ma seconde demande" in html
    login(client, JobSeekerFactory())
    assert "Ma première demande" not in client.get(reverse("support:mine")).text


def test_staff_actions_follow_the_workflow(admin_user):
    support_request = services.request_create(
        user=None, email="a@example.com", category="other", subject="Question", body="Bonjour"
    )
    services.staff_transition(staff=admin_user, support_request=support_request, name="take")
    support_request.refresh_from_db()
    assert (support_request.status, support_request.assigned_to) == ("in_progress", admin_user)
    services.staff_transition(staff=admin_user, support_request=support_request, name="close")
    from itou.utils.state_machine import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed):
        services.staff_transition(staff=admin_user, support_request=support_request, name="close")


def _request_with_attachment(client, author):
    login(client, author)
    attachment = SimpleUploadedFile("capture.pdf", make_pdf("Capture"), content_type="application/pdf")
    assert client.post(NEW, {**data(), "attachment": attachment}).status_code == 302
    message = SupportMessage.objects.get(request__user=author)
    return message, reverse("support:attachment", args=[message.pk])


def test_attachment_download_author_and_support_staff(client):
    from tests.backoffice.conftest import staff_with

    author = JobSeekerFactory()
    message, url = _request_with_attachment(client, author)
    # The author: from their request's page.
    thread = client.get(reverse("support:thread", args=[message.request.access_token]))
    assert f'href="{url}"' in thread.text
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store"
    # Staff of the support team (not superuser): the link in the inbox, the file.
    staff_with(client, "Support")
    admin_page = client.get(reverse("admin:support_supportrequest_change", args=[message.request.pk]))
    assert f'href="{url}"' in admin_page.text
    assert client.get(url).status_code == 200
    # Staff without the support role, another user: 404; anonymous: the login page.
    staff_with(client, "Équipe PASS IAE")
    assert client.get(url).status_code == 404
    login(client, JobSeekerFactory())
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_attachment_missing_on_disk_shows_fichier_introuvable(client):
    message, url = _request_with_attachment(client, JobSeekerFactory())
    message.attachment.storage.delete(message.attachment.name)
    response = client.get(url)
    assert response.status_code == 404
    assert "Fichier introuvable" in response.text


def test_the_same_request_sent_twice_is_kept_once(client):
    """Found by the outsiders' probe (tests/security/test_parallel_clicks.py): a double click
    created two identical requests. The same subject and text within 10 minutes is one request."""
    login(client, JobSeekerFactory())
    for _ in range(2):
        assert client.post(reverse("support:new"), data()).status_code == 302
    assert SupportRequest.objects.count() == 1
    assert client.post(reverse("support:new"), data(body="Et une autre question.")).status_code == 302
    assert SupportRequest.objects.count() == 2
