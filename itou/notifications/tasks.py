import datetime

from django.conf import settings
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from itou.notifications.models import EmailDelivery
from itou.notifications.serialization import deserialize_email


@app.task(
    name="send_email",
    queue="emails",
    retry=RetryStrategy(max_attempts=10, exponential_wait=5),
)
def send_email(*, email: dict, key: str = "") -> None:
    """Deliver one email with the real backend; a failure raises and the job is retried.

    Exactly once: the delivery is recorded under the job's key in the same transaction as
    the sending, so a job run again after its worker died (retry_stalled_jobs) finds the
    record and stops. SMTP cannot take part in a transaction: only a crash between the
    server's "250 OK" and the commit (milliseconds) can still send twice, and the
    Message-ID derived from the key lets mail systems drop that duplicate.
    """
    message = deserialize_email(email)
    if not key:  # queued before keys existed
        _deliver(message)
        return
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >") or "localhost"
    message.extra_headers.setdefault("Message-ID", f"<{key}@{domain}>")
    try:
        with transaction.atomic():
            # Blocks while another run of the same job holds the key, then fails on it.
            EmailDelivery.objects.create(key=key)
            _deliver(message)
    except IntegrityError:
        if EmailDelivery.objects.filter(key=key).exists():
            return  # already delivered by an earlier run of this job
        raise


def _deliver(message) -> None:
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    if connection.send_messages([message]) != 1:
        raise RuntimeError("L'e-mail n'a pas été envoyé.")


# Long after any retry of a job (10 attempts, a few hours at most) its key is useless.
DELIVERY_KEYS_KEPT = datetime.timedelta(days=30)


@app.periodic(cron="50 3 * * *")
@app.task(name="email_deliveries_cleanup", queue="maintenance", queueing_lock="email_deliveries_cleanup")
def email_deliveries_cleanup(timestamp: int) -> int:
    """Forget the delivery keys older than DELIVERY_KEYS_KEPT; return how many."""
    deleted, _ = EmailDelivery.objects.filter(delivered_at__lt=timezone.now() - DELIVERY_KEYS_KEPT).delete()
    return deleted
