"""Turn an EmailMessage into JSON job arguments and back."""

from django.core.mail import EmailMessage, EmailMultiAlternatives


def serialize_email(message: EmailMessage) -> dict:
    html = ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = content
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {key: str(value) for key, value in (message.extra_headers or {}).items()},
    }


def deserialize_email(data: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data.get("cc") or [],
        bcc=data.get("bcc") or [],
        reply_to=data.get("reply_to") or [],
        headers=data.get("headers") or {},
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    return message
