"""Email backends.

Django sends every email through `QueuedEmailBackend`, which only queues a
procrastinate job once the current transaction commits; the job delivers the message
with `settings.EMAIL_DELIVERY_BACKEND` (SMTP in production, the database in dev and
tests) and is retried when delivery fails.
"""

import uuid

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from itou.notifications.models import SentEmail
from itou.notifications.serialization import serialize_email


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from itou.notifications.tasks import send_email

        count = 0
        for message in email_messages:
            if not message.recipients():
                continue
            payload = serialize_email(message)
            # The idempotency key travels with the job: its retries share it (tasks.py).
            key = uuid.uuid4().hex
            transaction.on_commit(lambda payload=payload, key=key: send_email.defer(email=payload, key=key))
            count += 1
        return count


class DatabaseEmailBackend(BaseEmailBackend):
    """Store messages in the database instead of sending them (dev mailbox)."""

    def send_messages(self, email_messages):
        count = 0
        for message in email_messages:
            data = serialize_email(message)
            SentEmail.objects.create(
                from_email=data["from_email"] or "",
                to=data["to"],
                cc=data["cc"],
                bcc=data["bcc"],
                subject=data["subject"],
                body=data["body"],
                html_body=data["html"],
            )
            count += 1
        return count
