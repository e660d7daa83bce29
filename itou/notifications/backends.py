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

        # The idempotency key travels with each job: its retries share it (tasks.py).
        jobs = [
            {"email": serialize_email(message), "key": uuid.uuid4().hex}
            for message in email_messages
            if message.recipients()
        ]
        if len(jobs) == 1:
            transaction.on_commit(lambda job=jobs[0]: send_email.defer(**job))
        elif jobs:
            # Many messages at once (a campaign's draw): one job each, queued in one statement.
            transaction.on_commit(lambda: send_email.batch_defer(*jobs))
        return len(jobs)


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
