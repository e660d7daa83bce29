"""Helpers shared by the tests."""

import html
import json
import re
import threading

from django.db import connection
from procrastinate.contrib.django import app

from itou.notifications.models import SentEmail


def run_pending_jobs() -> int:
    """Run the queued jobs now, in this process and this transaction.

    The jobs are the real rows that the code queued in procrastinate's table; this only
    replaces the worker process, which could not see the test's uncommitted data.
    Returns the number of jobs run.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, task_name, args FROM procrastinate_jobs WHERE status = 'todo' ORDER BY id")
        jobs = cursor.fetchall()
    for job_id, task_name, args in jobs:
        app.tasks[task_name](**(json.loads(args) if isinstance(args, str) else args))
        with connection.cursor() as cursor:
            cursor.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = %s", [job_id])
    return len(jobs)


def run_worker(queues=("emails",)) -> None:
    """The real worker, as `manage.py procrastinate worker` runs it (its own connection),
    until the queue is empty. In a thread: the test thread may hold Playwright's event loop.
    Only for transactional tests: the worker cannot see uncommitted data."""

    def work():
        with app.replace_connector(app.connector.get_worker_connector()) as worker_app:
            worker_app.run_worker(wait=False, install_signal_handlers=False, listen_notify=False, queues=list(queues))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)


def pending_job_count() -> int:
    """Emails waiting in the queue."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo' AND task_name = 'send_email'")
        return cursor.fetchone()[0]


def last_email_to(address: str) -> SentEmail:
    return SentEmail.objects.filter(to__contains=[address]).latest("sent_at", "pk")


def extract_link(body: str, contains: str) -> str:
    for url in re.findall(r"https?://\S+", body):
        if contains in url:
            return url
    raise AssertionError(f"No link containing {contains!r} in:\n{body}")


def extract_code(body: str) -> str:
    match = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", body, re.MULTILINE)
    assert match, f"No code in:\n{body}"
    return match.group(1)


EMAIL_SUBJECT_PREFIX = "[Les emplois de l'inclusion] "


def assert_in_email_layout(email: SentEmail, *, site_url: str | None = None) -> str:
    """`email` follows the common layout (itou.notifications.emails): the service's name in
    the subject, a text and an HTML part with the footer, one button whose absolute URL is
    also in the text. Returns the button's URL."""
    from django.conf import settings

    assert email.subject.startswith(EMAIL_SUBJECT_PREFIX), email.subject
    assert email.body.strip() and email.html_body.startswith("<!DOCTYPE html>")
    for part in (email.body, email.html_body):
        assert "Cet e-mail vous est envoyé automatiquement" in part
    buttons = re.findall(r'<a class="email-button" href="([^"]+)"', email.html_body)
    assert len(buttons) == 1, buttons
    url = html.unescape(buttons[0])
    assert url.startswith(site_url or settings.SITE_URL + "/"), url
    assert url in email.body
    return url


# The fixed instant the domain tests run at (time-machine; the clock ticks from there so
# that durations and locks behave): a Monday morning in Paris, mid-month, mid-year.
FROZEN_NOW = "2026-06-15 10:00:00+02:00"


def freeze_time(time_machine, when=FROZEN_NOW):
    """Travel to `when` for the whole test (time-machine), the clock ticking from there."""
    import datetime

    time_machine.move_to(datetime.datetime.fromisoformat(when), tick=True)
