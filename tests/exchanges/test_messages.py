"""Messages on an application: who reads, who writes, bad input, attachments, timeline."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itou.companies.models import CompanyMembership
from itou.exchanges.models import MESSAGE_MAX_LENGTH, ApplicationMessage
from itou.exchanges.services import message_post
from itou.job_applications import services as ja_services
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.prescribers.factories import PrescriberMembershipFactory
from tests.www.applications.conftest import login

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Root 1 0 R >>\nendobj\nstartxref\n9\n%%EOF\n"


def detail_url(cast):
    return reverse("applications:detail", args=[cast.job_application.pk])


def post_url(cast):
    return reverse("applications:post_message", args=[cast.job_application.pk])


def post(client, cast, **data):
    return client.post(post_url(cast), {"body": "Bonjour", **data})


def test_prescriber_writes_employer_answers_both_see_it(client, cast):
    login(client, cast.prescriber)
    response = post(client, cast, body="Bonjour, M. Martin est disponible dès lundi.")
    assert response.status_code == 302
    assert response["Location"] == detail_url(cast) + "#messages"
    message = ApplicationMessage.objects.get()
    assert message.author == cast.prescriber
    assert message.author_prescriber_organization == cast.job_application.sender_prescriber_organization

    login(client, cast.employer)
    html = client.get(detail_url(cast)).content.decode()
    assert "M. Martin est disponible dès lundi." in html
    assert cast.job_application.sender_prescriber_organization.name in html
    assert post(client, cast, body="Merci, nous le recevons lundi à 9 h.").status_code == 302

    login(client, cast.prescriber)
    html = client.get(detail_url(cast)).content.decode()
    first, second = html.index("disponible dès lundi"), html.index("nous le recevons lundi")
    assert first < second  # newest last
    assert cast.company.display_name in html
    # Both messages are in the timeline ("Historique").
    assert html.count('<p class="fr-text--bold fr-mb-0">Message</p>') == 2

    login(client, cast.job_seeker)
    html = client.get(detail_url(cast)).content.decode()
    assert "nous le recevons lundi" in html


def test_between_professionals_is_hidden_from_the_job_seeker(client, cast):
    login(client, cast.employer)
    post(client, cast, body="Entre nous : dossier RSA en cours.", between_professionals="on")
    message = ApplicationMessage.objects.get()
    assert message.between_professionals
    login(client, cast.prescriber)
    assert "dossier RSA en cours" in client.get(detail_url(cast)).content.decode()
    login(client, cast.job_seeker)
    html = client.get(detail_url(cast)).content.decode()
    assert "dossier RSA en cours" not in html
    assert "Message entre professionnels" not in html
    assert 'name="between_professionals"' not in html


def test_job_seeker_cannot_write_between_professionals(client, cast):
    login(client, cast.job_seeker)
    assert post(client, cast, body="Je suis disponible.", between_professionals="on").status_code == 302
    assert ApplicationMessage.objects.get().between_professionals is False


def test_internal_comments_stay_apart(client, cast):
    ja_services.job_application_add_comment(
        acting_user=cast.employer, job_application=cast.job_application, message="Note interne secrète"
    )
    login(client, cast.prescriber)
    assert "Note interne secrète" not in client.get(detail_url(cast)).content.decode()


@pytest.mark.parametrize(
    "body,error",
    [
        ("", "Écrivez votre message avant de l&#x27;envoyer."),
        ("   \n  ", "Écrivez votre message avant de l&#x27;envoyer."),
        ("x" * (MESSAGE_MAX_LENGTH + 1), f"{MESSAGE_MAX_LENGTH} caractères au plus"),
    ],
)
def test_empty_or_oversized_message(client, cast, body, error):
    login(client, cast.prescriber)
    response = client.post(post_url(cast), {"body": body})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApplicationMessage.objects.exists()


def test_exactly_the_maximum_length_is_accepted(client, cast):
    login(client, cast.prescriber)
    assert post(client, cast, body="x" * MESSAGE_MAX_LENGTH).status_code == 302


def test_html_is_shown_as_text_and_links_are_clickable(client, cast):
    login(client, cast.prescriber)
    post(client, cast, body='<script>alert("x")</script> <b>gras</b> voir https://exemple.fr/fiche?id=1&a=2')
    login(client, cast.employer)
    html = client.get(detail_url(cast)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;b&gt;gras&lt;/b&gt;" in html
    assert (
        '<a href="https://exemple.fr/fiche?id=1&amp;a=2" rel="nofollow">https://exemple.fr/fiche?id=1&amp;a=2</a>'
        in html
    )


def test_wrong_attachment_type(client, cast):
    login(client, cast.prescriber)
    image = SimpleUploadedFile("cv.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="application/pdf")
    response = client.post(post_url(cast), {"body": "Voici le CV", "attachment": image})
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas un PDF" in response.content.decode()
    assert not ApplicationMessage.objects.exists()


def test_pdf_attachment_served_only_to_readers(client, cast):
    login(client, cast.employer)
    pdf = SimpleUploadedFile("fiche de poste.pdf", PDF, content_type="application/pdf")
    assert (
        client.post(post_url(cast), {"body": "La fiche", "attachment": pdf, "between_professionals": "on"}).status_code
        == 302
    )
    message = ApplicationMessage.objects.get()
    assert message.attachment.name == f"exchanges/{message.pk}.pdf"
    url = reverse("applications:message_attachment", args=[cast.job_application.pk, message.pk])
    login(client, cast.prescriber)
    assert url in client.get(detail_url(cast)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Cache-Control"] == "private, no-store"
    for user in (cast.job_seeker, cast.other_employer, cast.other_prescriber, cast.outsider):
        login(client, user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["other_employer", "other_prescriber", "outsider", "other_job_seeker"])
def test_others_get_404(client, cast, role):
    message_post(acting_user=cast.employer, job_application=cast.job_application, body="Bonjour")
    login(client, getattr(cast, role))
    assert post(client, cast).status_code == 404
    assert ApplicationMessage.objects.count() == 1


def test_anonymous_is_sent_to_login(client, cast):
    assert post(client, cast).status_code == 302
    assert not ApplicationMessage.objects.exists()


def test_no_longer_a_member_gets_404(client, cast):
    login(client, cast.employer)
    assert post(client, cast).status_code == 302
    CompanyMembership.objects.filter(user=cast.employer).update(is_active=False)
    assert post(client, cast, body="Encore moi").status_code == 404
    assert ApplicationMessage.objects.count() == 1


def test_colleague_of_the_sender_writes_for_the_organization(client, cast):
    colleague = PrescriberMembershipFactory(organization=cast.job_application.sender_prescriber_organization).user
    login(client, colleague)
    assert post(client, cast, body="Je remplace ma collègue.").status_code == 302
    assert ApplicationMessage.objects.get().author_side == "sender"


def test_after_a_transfer_the_new_employer_sees_from_the_transfer_on(client, cast, time_machine):
    message_post(acting_user=cast.prescriber, job_application=cast.job_application, body="Avant le transfert")
    new_company = CompanyFactory()
    CompanyMembershipFactory(company=new_company, user=cast.employer)
    newcomer = CompanyMembershipFactory(company=new_company).user
    time_machine.shift(60)
    ja_services.job_application_transfer(
        acting_user=cast.employer, job_application=cast.job_application, to_company=new_company
    )
    time_machine.shift(60)
    message_post(acting_user=cast.prescriber, job_application=cast.job_application, body="Après le transfert")
    login(client, newcomer)
    html = client.get(detail_url(cast)).content.decode()
    assert "Après le transfert" in html
    assert "Avant le transfert" not in html
    # The former employer's colleague no longer sees the application at all.
    login(client, cast.colleague)
    assert client.get(detail_url(cast)).status_code == 404
    assert post(client, cast).status_code == 404
