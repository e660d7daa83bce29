import datetime

import time_machine
from django.utils import timezone

from itou.employee_records import tasks
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord, UpdateNotification
from tests.employee_records.factories import complete_record


def _old_record(status, **fields):
    record = complete_record(status=status, archived_json={"numLigne": 1}, **fields)
    approval = record.approval
    approval.start_at = datetime.date(2020, 1, 1)
    approval.end_at = datetime.date(2022, 1, 1)
    approval.save()
    EmployeeRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400),
        updated_at=timezone.now() - datetime.timedelta(days=60),
    )
    return record


@time_machine.travel("2026-03-02 23:05:00+00:00", tick=False)
def test_archive_then_unarchive_when_the_pass_runs_again():
    processed = _old_record(Status.PROCESSED, asp_code="0000")
    rejected = _old_record(Status.REJECTED, asp_code="3417")
    sent = _old_record(Status.SENT)
    recent = complete_record(status=Status.NEW)
    assert tasks.archive_employee_records() == 2
    processed.refresh_from_db()
    assert processed.status == Status.ARCHIVED and processed.archived_json is None
    assert EmployeeRecord.objects.get(pk=sent.pk).status == Status.SENT  # waits for the ASP
    assert EmployeeRecord.objects.get(pk=recent.pk).status == Status.NEW
    assert tasks.unarchive_employee_records() == 0
    for record in (processed, rejected):
        record.approval.end_at = datetime.date(2027, 1, 1)
        record.approval.save()
    assert tasks.unarchive_employee_records() == 2
    assert EmployeeRecord.objects.get(pk=processed.pk).status == Status.PROCESSED
    assert EmployeeRecord.objects.get(pk=rejected.pk).status == Status.REJECTED
    assert UpdateNotification.objects.get().employee_record_id == processed.pk
