"""Reminders for pending prolongation requests (procrastinate periodic task).

The chosen prescriber organization is reminded every REMINDER_INTERVAL (10 days) for
REMINDER_PERIOD (30 days): at most REMINDER_PERIOD // REMINDER_INTERVAL reminders, each
logged in `reminders_sent_at`.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from itou.approvals import notifications
from itou.approvals.models import ProlongationRequest

REMINDER_INTERVAL = datetime.timedelta(days=10)
REMINDER_PERIOD = datetime.timedelta(days=30)
MAX_REMINDERS = REMINDER_PERIOD // REMINDER_INTERVAL


@transaction.atomic
def remind_pending_prolongation_requests(*, now=None) -> int:
    now = now or timezone.now()
    reminded = 0
    requests = (
        ProlongationRequest.objects.pending()
        .filter(created_at__lte=now - REMINDER_INTERVAL, created_at__gte=now - REMINDER_PERIOD - REMINDER_INTERVAL)
        .select_related("approval__job_seeker", "company", "prescriber_organization")
        .select_for_update(of=("self",), skip_locked=True)
    )
    for request in requests:
        sent = len(request.reminders_sent_at)
        if sent >= MAX_REMINDERS or now < request.created_at + REMINDER_INTERVAL * (sent + 1):
            continue
        request.reminders_sent_at = [*request.reminders_sent_at, now]
        request.save(update_fields=["reminders_sent_at"])
        transaction.on_commit(lambda r=request: notifications.prolongation_request_notify_created(r, reminder=True))
        reminded += 1
    return reminded


@app.periodic(cron="30 7 * * *")
@app.task(
    name="remind_pending_prolongation_requests",
    queue="maintenance",
    queueing_lock="remind_pending_prolongation_requests",
)
def remind_pending_prolongation_requests_task(timestamp: int) -> None:
    remind_pending_prolongation_requests()
