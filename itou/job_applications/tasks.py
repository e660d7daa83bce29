"""Daily jobs on applications (procrastinate periodic tasks, queue "maintenance").

"Idle" and "untouched" count from `updated_at`, the last time the application row changed
(any decision, transfer, archiving by a person); reminders leave it alone.
- remind: NEW/PROCESSING applications idle IDLE_REMINDER_AFTER (3 weeks) → one email per
  member of the receiving employer and one per prescriber who sent some; once per idle spell.
- auto-refuse: NEW/PROCESSING applications idle AUTO_REFUSE_AFTER (60 days) → declined by
  the platform (reason "auto", logged without user), the job seeker and prescriber told.
- auto-archive: refused/cancelled/obsolete applications, and new/processing/postponed ones
  left unanswered, untouched AUTO_ARCHIVE_AFTER (180 days) → archived (logged without
  user; their state does not change).
Each function takes `now` (tests) and returns how many applications it handled.
"""

import itertools

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from procrastinate.contrib.django import app

from itou.job_applications import notifications, services
from itou.job_applications.enums import SenderKind
from itou.job_applications.models import (
    AUTO_ARCHIVE_AFTER,
    AUTO_REFUSE_AFTER,
    IDLE_REMINDER_AFTER,
    JobApplication,
    JobApplicationTransitionLog,
)
from itou.job_applications.workflow import ARCHIVE, AUTO_ARCHIVABLE_STATES, IDLE_STATES

ARCHIVE_BATCH_SIZE = 1000


@transaction.atomic
def remind_idle_job_applications(*, now=None) -> int:
    now = now or timezone.now()
    idle = list(
        JobApplication.objects.filter(state__in=IDLE_STATES, updated_at__lte=now - IDLE_REMINDER_AFTER)
        .filter(Q(idle_reminder_sent_at__isnull=True) | Q(idle_reminder_sent_at__lt=F("updated_at")))
        .select_related("job_seeker", "to_company", "sender")
        .order_by("to_company_id", "created_at", "pk")
    )
    for _company_id, group in itertools.groupby(idle, key=lambda ja: ja.to_company_id):
        group = list(group)
        notifications.job_application_notify_idle_to_employer(group[0].to_company, group)
    sent_by_prescribers = sorted(
        (ja for ja in idle if ja.sender_kind == SenderKind.PRESCRIBER and ja.sender_id),
        key=lambda ja: (ja.sender_id, ja.created_at),
    )
    for _sender_id, group in itertools.groupby(sent_by_prescribers, key=lambda ja: ja.sender_id):
        group = list(group)
        notifications.job_application_notify_idle_to_prescriber(group[0].sender, group)
    # update(): `updated_at`, the idleness clock, does not move.
    JobApplication.objects.filter(pk__in=[ja.pk for ja in idle]).update(idle_reminder_sent_at=now)
    return len(idle)


def refuse_idle_job_applications(*, now=None) -> int:
    """Each application in its own transaction: one failure does not undo the others."""
    now = now or timezone.now()
    candidates = JobApplication.objects.filter(state__in=IDLE_STATES, updated_at__lte=now - AUTO_REFUSE_AFTER)
    refused = 0
    for pk in list(candidates.values_list("pk", flat=True)):
        if services.job_application_refuse_automatically(job_application=JobApplication(pk=pk), now=now):
            refused += 1
    return refused


def archive_untouched_job_applications(*, now=None) -> int:
    now = now or timezone.now()
    archived = 0
    while True:
        with transaction.atomic():
            rows = list(
                JobApplication.objects.select_for_update(no_key=True, of=("self",), skip_locked=True)
                .filter(
                    state__in=AUTO_ARCHIVABLE_STATES,
                    archived_at__isnull=True,
                    updated_at__lte=now - AUTO_ARCHIVE_AFTER,
                )
                .order_by("pk")
                .values_list("pk", "state")[:ARCHIVE_BATCH_SIZE]
            )
            if not rows:
                return archived
            JobApplication.objects.filter(pk__in=[pk for pk, _state in rows]).update(archived_at=now, archived_by=None)
            JobApplicationTransitionLog.objects.bulk_create(
                JobApplicationTransitionLog(
                    job_application_id=pk,
                    transition=ARCHIVE,
                    from_state=state,
                    to_state=state,
                    user=None,
                    details={"auto": True},
                    timestamp=now,
                )
                for pk, state in rows
            )
            archived += len(rows)


@app.periodic(cron="0 7 * * *")
@app.task(name="remind_idle_job_applications", queue="maintenance", queueing_lock="remind_idle_job_applications")
def remind_idle_job_applications_task(timestamp: int) -> None:
    remind_idle_job_applications()


@app.periodic(cron="10 2 * * *")
@app.task(name="refuse_idle_job_applications", queue="maintenance", queueing_lock="refuse_idle_job_applications")
def refuse_idle_job_applications_task(timestamp: int) -> None:
    refuse_idle_job_applications()


@app.periodic(cron="40 2 * * *")
@app.task(
    name="archive_untouched_job_applications",
    queue="maintenance",
    queueing_lock="archive_untouched_job_applications",
)
def archive_untouched_job_applications_task(timestamp: int) -> None:
    archive_untouched_job_applications()
