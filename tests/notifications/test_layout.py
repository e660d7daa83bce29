"""One helper and one layout for every email (itou/notifications/emails.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from itou.notifications.emails import Button, build_email, render_parts, send_email
from itou.notifications.models import SentEmail
from tests.helpers import EMAIL_SUBJECT_PREFIX, assert_in_email_layout, run_pending_jobs

ITOU = Path(settings.BASE_DIR) / "itou"
TEMPLATES = ITOU / "templates"


def email_templates() -> list[str]:
    """Every email of the project: the "<prefix>_subject.txt" templates."""
    return sorted(
        str(path.relative_to(TEMPLATES)).removesuffix("_subject.txt") for path in TEMPLATES.rglob("*_subject.txt")
    )


def test_parts_of_an_email():
    subject, text, html = render_parts(
        subject="  Candidature\n acceptée ",
        text="Bonjour Léa,\n\nVotre candidature <b>est</b> acceptée.\n\nL'équipe",
        button=Button("Voir la candidature", "/candidatures/1/"),
    )
    assert subject == EMAIL_SUBJECT_PREFIX + "Candidature acceptée"
    url = f"{settings.SITE_URL}/candidatures/1/"
    # Text: the body, the button's link, the common footer.
    assert text.startswith("Bonjour Léa,")
    assert f"Voir la candidature :\n{url}" in text
    assert "\n--\nLes emplois de l'inclusion" in text
    # HTML: escaped body, one button with the absolute URL, the footer.
    assert "&lt;b&gt;est&lt;/b&gt;" in html and "<b>est</b>" not in html
    assert f'<a class="email-button" href="{url}"' in html
    assert "Cet e-mail vous est envoyé automatiquement" in html


def test_the_subject_prefix_is_not_doubled_and_a_signature_is_kept_once():
    subject, text, html = render_parts(
        subject=EMAIL_SUBJECT_PREFIX + "Objet",
        text=f"Bonjour,\n\nVoir : {settings.SITE_URL}/x/\n\n--\nSignature propre au gabarit",
        button=Button("Ouvrir", f"{settings.SITE_URL}/x/"),
    )
    assert subject == EMAIL_SUBJECT_PREFIX + "Objet"
    assert text.count(f"{settings.SITE_URL}/x/") == 1  # already in the body: not repeated
    assert text.count("\n--\n") == 1 and "Signature propre au gabarit" in text
    assert "Signature propre au gabarit" not in html  # the layout's footer replaces it
    assert f'<a href="{settings.SITE_URL}/x/"' in html  # links of the body are clickable


def test_sent_after_commit_with_both_parts(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert send_email(
            "invitations/email/membership_deactivated",
            to="camille@example.com",
            context={"organization_name": "Les Jardins"},
            button=Button("Ouvrir mon tableau de bord", "/tableau-de-bord/"),
        )
        assert SentEmail.objects.count() == 0
    run_pending_jobs()
    email = SentEmail.objects.get()
    assert assert_in_email_layout(email) == f"{settings.SITE_URL}/tableau-de-bord/"
    assert not send_email("invitations/email/membership_deactivated", to="", context={})


@pytest.mark.parametrize("template", email_templates())
def test_every_email_template_renders_in_the_layout(template):
    message = build_email(template, to="camille@example.com", context={}, button=Button("Ouvrir", "/page/"))
    assert message.subject.startswith(EMAIL_SUBJECT_PREFIX) and message.subject.strip() != EMAIL_SUBJECT_PREFIX.strip()
    assert message.body.strip()
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html" and f'href="{settings.SITE_URL}/page/"' in html


def test_no_email_is_built_outside_the_helper():
    """Every email goes through itou.notifications.emails: no other module builds one."""
    pattern = re.compile(
        r"\b(EmailMessage|EmailMultiAlternatives|send_mail|send_mass_mail)\(|_(subject|body|message)\.txt"
    )
    allowed = {ITOU / "notifications" / "emails.py", ITOU / "notifications" / "serialization.py"}
    offenders = [
        f"{path.relative_to(ITOU)}:{number}"
        for path in ITOU.rglob("*.py")
        if path not in allowed and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_django_send_mail_still_goes_through_the_queue(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Objet", "Texte", None, ["camille@example.com"])
    assert run_pending_jobs() == 1
