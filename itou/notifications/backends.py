"""Email backends.

Django sends every email through `QueuedEmailBackend`, which only queues a
procrastinate job once the current transaction commits; the job delivers the message
with `settings.EMAIL_DELIVERY_BACKEND` (SMTP in production, the database in dev and
tests) and is retried when delivery fails.
"""

from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from itou.notifications.models import SentEmail
from itou.notifications.serialization import serialize_email


class QueuedEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        from itou.notifications.tasks import send_email

        payloads = [serialize_email(message) for message in email_messages if message.recipients()]
        if len(payloads) == 1:
            transaction.on_commit(lambda payload=payloads[0]: send_email.defer(email=payload))
        elif payloads:
            # Many messages at once (a campaign's draw): one job each, queued in one statement.
            transaction.on_commit(lambda: send_email.batch_defer(*({"email": payload} for payload in payloads)))
        return len(payloads)


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
