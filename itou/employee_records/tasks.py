"""The ASP exchange jobs (procrastinate periodic tasks, queue "asp").

Schedule of ASP.md §5 (UTC): download at :25 and upload at :55 of hours 8–18 (even),
Monday to Friday. Both do nothing unless ASP_TRANSFER_ENABLED; a failure of the SFTP
server raises, and procrastinate retries the job with an exponential backoff (records
stay READY meanwhile). `queueing_lock` keeps one run of each at a time.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from itou.employee_records import transfer, workflow
from itou.employee_records.models import EmployeeRecord

logger = logging.getLogger(__name__)

RETRY = RetryStrategy(max_attempts=5, exponential_wait=60)
ARCHIVE_CREATED_BEFORE = datetime.timedelta(days=182)
ARCHIVE_UPDATED_BEFORE = datetime.timedelta(days=30)


@app.periodic(cron="55 8,10,12,14,16,18 * * 1-5")
@app.task(name="asp_upload_employee_records", queue="asp", queueing_lock="asp_upload", retry=RETRY)
def upload_employee_records(timestamp: int) -> None:
    if not settings.ASP_TRANSFER_ENABLED:
        return
    uploaded = transfer.upload()
    logger.info("Fichiers déposés chez l'ASP : %s", ", ".join(uploaded) or "aucun")


@app.periodic(cron="25 8,10,12,14,16,18 * * 1-5")
@app.task(name="asp_download_feedback", queue="asp", queueing_lock="asp_download", retry=RETRY)
def download_feedback(timestamp: int) -> None:
    if not settings.ASP_TRANSFER_ENABLED:
        return
    logger.info("Fichiers retour de l'ASP : %s", transfer.download())


@transaction.atomic
def archive_employee_records(*, today=None) -> int:
    """Records whose PASS ended and can no longer be prolonged (ASP.md §8): ARCHIVED, JSON proof wiped."""
    from itou.approvals import rules

    now = timezone.now()
    today = today or timezone.localdate()
    count = 0
    candidates = (
        EmployeeRecord.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("approval")
        .filter(
            status__in=workflow.RECORD_MACHINE.transitions["archive"].sources,
            approval__end_at__lt=today,
            created_at__lt=now - ARCHIVE_CREATED_BEFORE,
            updated_at__lt=now - ARCHIVE_UPDATED_BEFORE,
        )
    )
    for record in candidates:
        # Still prolongable (within the window after its end): kept.
        if rules.prolongation_window(record.approval.end_at)[1] >= today:
            continue
        record.archived_json = None
        workflow.fire_record(record, "archive")
        count += 1
    return count


@app.periodic(cron="5 23 * * *")
@app.task(name="archive_employee_records", queue="maintenance", queueing_lock="archive_employee_records")
def archive_employee_records_task(timestamp: int) -> None:
    archive_employee_records()


UNARCHIVE_PER_RUN = 10


@transaction.atomic
def unarchive_employee_records(*, today=None) -> int:
    """At most UNARCHIVE_PER_RUN archived records whose PASS runs again (prolonged, ASP.md §8)
    come back: PROCESSED after 0000/3436 (with an update notification), REJECTED after a
    32xx/33xx/34xx code, NEW otherwise."""
    from itou.employee_records.models import UpdateNotification

    today = today or timezone.localdate()
    count = 0
    for record in (
        EmployeeRecord.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(status="ARCHIVED", approval__end_at__gte=today, approval__cancelled_at__isnull=True)
        .order_by("pk")[:UNARCHIVE_PER_RUN]
    ):
        if record.asp_code in ("0000", "3436"):
            workflow.fire_record(record, "unarchive_processed")
            UpdateNotification.objects.get_or_create(employee_record=record, status="NEW")
        elif record.asp_code[:2] in ("32", "33", "34"):
            workflow.fire_record(record, "unarchive_rejected")
        else:
            workflow.fire_record(record, "unarchive_new")
        count += 1
    return count


@app.periodic(cron="15 * * * *")
@app.task(name="unarchive_employee_records", queue="maintenance", queueing_lock="unarchive_employee_records")
def unarchive_employee_records_task(timestamp: int) -> None:
    unarchive_employee_records()
