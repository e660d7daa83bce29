"""Every email of the platform is built here: one helper, one layout.

`send_email("job_applications/emails/accept", to=user.email, context=…, button=Button(…))`
renders `<template>_subject.txt` and `<template>_body.txt` (or `_message.txt`, allauth's
name), in French, and builds a message with:

- the subject prefixed with the service's name (settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
  shared with allauth's emails);
- a text part: the body, then the common footer (notifications/email_footer.txt) unless
  the body already ends with a signature (a line "--"), and the button's link when the
  body does not already give it;
- an HTML part: the layout notifications/email.html (service name, the body's
  paragraphs with clickable links, one clear button to the page concerned, footer).

Button URLs are absolute (settings.SITE_URL + path). `.send()` goes through the project's
backend (itou.notifications.backends.QueuedEmailBackend): the message becomes a job only
when the current transaction commits, and nothing leaves if it rolls back.
"""

import dataclasses
import re

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.defaultfilters import linebreaks, urlize
from django.template.loader import render_to_string, select_template
from django.utils import translation
from django.utils.safestring import mark_safe

SIGNATURE = re.compile(r"\n--[ \t]*\n.*\Z", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Button:
    label: str  # "Voir la candidature"
    url: str  # a path ("/candidatures/…") or an absolute URL of the site


def absolute_url(path_or_url: str) -> str:
    if path_or_url.startswith(("http://", "https://")):
        return path_or_url
    return f"{settings.SITE_URL}{path_or_url}"


def subject_prefix() -> str:
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX


def _prefixed(subject: str) -> str:
    subject = " ".join(subject.split())
    prefix = subject_prefix()
    return subject if subject.startswith(prefix.strip()) else prefix + subject


def render_parts(*, subject: str, text: str, button: Button | None = None) -> tuple[str, str, str]:
    """(prefixed subject, text part, HTML part) of an email whose body is `text`."""
    subject = _prefixed(subject)
    text = text.strip()
    button = dataclasses.replace(button, url=absolute_url(button.url)) if button else None
    signature = SIGNATURE.search(text)
    content = text[: signature.start()].rstrip() if signature else text
    main = content
    if button and button.url not in text:
        main = f"{content}\n\n{button.label} :\n{button.url}"
    if signature:
        text = main + signature.group(0)
    else:
        footer = render_to_string("notifications/email_footer.txt", {"site_url": settings.SITE_URL}).strip()
        text = f"{main}\n\n{footer}"
    html = render_to_string(
        "notifications/email.html",
        {
            "subject": subject,
            "content": mark_safe(linebreaks(urlize(content, autoescape=True), autoescape=False)),
            "button": button,
            "service_name": subject_prefix().strip(" []"),
            "site_url": settings.SITE_URL,
        },
    )
    return subject, text + "\n", html


def build_email(
    template: str,
    *,
    to: str | list[str],
    context: dict,
    button: Button | None = None,
    reply_to: list[str] | None = None,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    """The message of `template` (a prefix: "<template>_subject.txt" and "<template>_body.txt")."""
    context = {"SITE_URL": settings.SITE_URL, "site_url": settings.SITE_URL, **context}
    # French dates ("3 mars 2026") whatever the caller's language (worker, shell…).
    with translation.override("fr"):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = select_template([f"{template}_body.txt", f"{template}_message.txt"]).render(context)
        subject, text, html = render_parts(subject=subject, text=body, button=button)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=from_email,
        to=[to] if isinstance(to, str) else list(to),
        reply_to=reply_to or [],
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email(template: str, *, to: str | list[str], context: dict, button: Button | None = None, **kwargs) -> bool:
    """Build and send (queued after commit). Nothing is sent without a recipient address."""
    if not to or (isinstance(to, list) and not any(to)):
        return False
    build_email(template, to=to, context=context, button=button, **kwargs).send()
    return True


def send_text_email(*, subject: str, text: str, to: str, button: Button | None = None) -> bool:
    """An email whose subject and text the caller rendered itself, in the common layout
    (text and HTML parts, service name, button), queued after commit."""
    if not to:
        return False
    build_text_email(subject=subject, text=text, to=to, button=button).send()
    return True


def build_text_email(*, subject: str, text: str, to: str, button: Button | None = None) -> EmailMultiAlternatives:
    """The message of `send_text_email`, not sent (to send many at once with `send_emails`)."""
    subject, text, html = render_parts(subject=subject, text=text, button=button)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


def send_emails(messages: list) -> int:
    """Several messages at once (one per recipient: nobody sees the others' addresses)."""
    return get_connection().send_messages(messages) if messages else 0


def send_to_user(template: str, *, to_user, context: dict, button: Button | None = None) -> bool:
    """To an active user with an email address (`recipient` in the context)."""
    if not (to_user and to_user.is_active and to_user.email):
        return False
    return send_email(template, to=to_user.email, context={"recipient": to_user, **context}, button=button)
