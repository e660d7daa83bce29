from django.urls import reverse

from itou.notifications.models import SentEmail


def test_mailbox_is_hidden_without_debug(client, settings):
    settings.DEV_MAILBOX_ENABLED = False
    email = SentEmail.objects.create(from_email="a@example.com", to=["b@example.com"], subject="Objet", body="Texte")
    assert client.get(reverse("dev:mailbox")).status_code == 404
    assert client.get(reverse("dev:email_detail", args=[email.pk])).status_code == 404


def test_mailbox_lists_and_shows_emails(client, settings, django_assert_num_queries):
    settings.DEV_MAILBOX_ENABLED = True
    for i in range(3):
        SentEmail.objects.create(
            from_email="a@example.com", to=["b@example.com"], subject=f"Objet {i}", body="Lien http://x/y"
        )
    with django_assert_num_queries(1):
        response = client.get(reverse("dev:mailbox"))
    html = response.content.decode()
    assert "Objet 0" in html and "Objet 2" in html
    email = SentEmail.objects.first()
    response = client.get(reverse("dev:email_detail", args=[email.pk]))
    assert response.status_code == 200
    assert '<a href="http://x/y"' in response.content.decode()
    assert client.get(reverse("dev:email_detail", args=[999999])).status_code == 404
