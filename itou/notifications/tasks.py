from django.conf import settings
from django.core.mail import get_connection
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from itou.notifications.serialization import deserialize_email


@app.task(
    name="send_email",
    queue="emails",
    retry=RetryStrategy(max_attempts=10, exponential_wait=5),
)
def send_email(*, email: dict) -> None:
    """Deliver one email with the real backend; a failure raises and the job is retried."""
    connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    sent = connection.send_messages([deserialize_email(email)])
    if sent != 1:
        raise RuntimeError("L'e-mail n'a pas été envoyé.")
