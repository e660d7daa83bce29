import pytest
from django.core import mail
from django.db import connection, transaction
from django.test import override_settings

from itou.notifications.models import SentEmail
from tests.helpers import pending_job_count, run_pending_jobs, run_worker


class BrokenBackend:
    """A delivery backend whose server is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP indisponible")


def job_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT status, attempts, queue_name FROM procrastinate_jobs WHERE task_name = %s ORDER BY id",
            ["send_email"],
        )
        return cursor.fetchall()


def test_email_is_queued_after_commit_not_before(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        mail.send_mail("Objet", "Texte", None, ["camille@example.com"])
        assert pending_job_count() == 0
    assert len(callbacks) == 1
    assert job_rows() == [("todo", 0, "emails")]
    assert SentEmail.objects.count() == 0
    run_pending_jobs()
    email = SentEmail.objects.get()
    assert (email.subject, email.body, email.to) == ("Objet", "Texte", ["camille@example.com"])


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                mail.send_mail("Objet", "Texte", None, ["camille@example.com"])
                raise RuntimeError
        except RuntimeError:
            pass
    assert pending_job_count() == 0


def test_html_alternative_is_kept(django_capture_on_commit_callbacks):
    message = mail.EmailMultiAlternatives("Objet", "Texte", None, ["a@example.com"], cc=["b@example.com"])
    message.attach_alternative("<p>Texte</p>", "text/html")
    with django_capture_on_commit_callbacks(execute=True):
        message.send()
    run_pending_jobs()
    email = SentEmail.objects.get()
    assert email.html_body == "<p>Texte</p>"
    assert email.cc == ["b@example.com"]


@pytest.mark.django_db(transaction=True)
def test_real_worker_delivers_and_retries(settings):
    """The procrastinate worker, with its own connection, takes the committed jobs."""
    mail.send_mail("Bienvenue", "Bonjour", None, ["camille@example.com"])
    mail.send_mail("Deuxième", "Bonjour", None, ["camille@example.com"])
    assert pending_job_count() == 2
    run_worker()
    assert sorted(SentEmail.objects.values_list("subject", flat=True)) == ["Bienvenue", "Deuxième"]
    assert [row[0] for row in job_rows()] == ["succeeded", "succeeded"]

    settings.EMAIL_DELIVERY_BACKEND = "tests.notifications.test_emails.BrokenBackend"
    mail.send_mail("En panne", "Bonjour", None, ["camille@example.com"])
    run_worker()
    status, attempts, _queue = job_rows()[-1]
    # Failed once, scheduled again later (retry strategy), not lost.
    assert (status, attempts) == ("todo", 1)
    assert not SentEmail.objects.filter(subject="En panne").exists()


def test_a_job_run_again_after_its_worker_died_delivers_once(django_capture_on_commit_callbacks):
    """retry_stalled_jobs puts back in the queue the job of a killed worker, which may have
    delivered already: the delivery record under the job's key stops the second run."""
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Objet", "Texte", None, ["camille@example.com"])
    run_pending_jobs()
    with connection.cursor() as cursor:  # what retry_job does to a stalled job
        cursor.execute("UPDATE procrastinate_jobs SET status = 'todo' WHERE task_name = 'send_email'")
    assert run_pending_jobs() == 1
    assert SentEmail.objects.count() == 1

    # A failed delivery records nothing: its retry delivers.
    with django_capture_on_commit_callbacks(execute=True):
        mail.send_mail("Autre", "Texte", None, ["dominique@example.com"])
    with override_settings(EMAIL_DELIVERY_BACKEND=f"{__name__}.BrokenBackend"), pytest.raises(ConnectionRefusedError):
        run_pending_jobs()
    assert run_pending_jobs() == 1
    assert SentEmail.objects.filter(subject="Autre").count() == 1


def test_old_delivery_keys_are_forgotten():
    import datetime

    from django.utils import timezone

    from itou.notifications.models import EmailDelivery
    from itou.notifications.tasks import email_deliveries_cleanup

    old, recent = EmailDelivery.objects.create(key="a" * 32), EmailDelivery.objects.create(key="b" * 32)
    EmailDelivery.objects.filter(pk=old.pk).update(delivered_at=timezone.now() - datetime.timedelta(days=31))
    assert email_deliveries_cleanup(timestamp=0) == 1
    assert list(EmailDelivery.objects.values_list("pk", flat=True)) == [recent.pk]
