import html

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from itou.employee_records import transfer
from itou.employee_records.enums import Status
from itou.employee_records.models import EmployeeRecord, EmployeeRecordBatch
from tests.companies.factories import CompanyFactory, login_as_staff
from tests.employee_records.factories import complete_record, hire_with_pass


@time_machine.travel("2026-03-02 09:55:00+00:00", tick=False)
def test_admin_search_by_pass_siret_and_file_name(client, sftp_server):
    record = complete_record(status=Status.READY)
    other = complete_record()
    transfer.upload()
    login_as_staff(client)
    url = reverse("admin:employee_records_employeerecord_changelist")
    for term in (record.approval_number, "RIAE_FS_20260302095500.json"):
        text = html.unescape(client.get(url, {"q": term}).content.decode())
        assert record.approval_number in text and other.approval_number not in text
    text = client.get(url, {"q": other.asp_siret}).content.decode()
    assert other.approval_number in text
    batches = reverse("admin:employee_records_employeerecordbatch_changelist")
    text = client.get(batches, {"q": record.approval_number}).content.decode()
    assert "RIAE_FS_20260302095500.json" in text
    detail = reverse("admin:employee_records_employeerecord_change", args=[record.pk])
    assert client.get(detail).status_code == 200


def test_admin_is_closed_to_employers(client):
    record = complete_record()
    from tests.www.applications.conftest import login

    login(client, record.company.memberships.get().user, record.company)
    response = client.get(reverse("admin:employee_records_employeerecord_changelist"))
    assert response.status_code == 302


@time_machine.travel("2026-03-02 09:55:00+00:00", tick=False)
def test_resend_command_puts_a_batch_back_to_ready(sftp_server):
    records = [complete_record(status=Status.READY) for _ in range(2)]
    transfer.upload()
    batch = EmployeeRecordBatch.objects.get()
    EmployeeRecord.objects.filter(pk=records[1].pk).update(status=Status.PROCESSED)
    call_command("resend_employee_records", file=batch.filename)
    assert EmployeeRecord.objects.get(pk=records[0].pk).status == Status.READY
    assert EmployeeRecord.objects.get(pk=records[1].pk).status == Status.PROCESSED
    assert EmployeeRecord.objects.get(pk=records[0].pk).logs.last().transition == "resend"
    with time_machine.travel("2026-03-02 11:55:00+00:00", tick=False):
        assert transfer.upload() == ["RIAE_FS_20260302115500.json"]
    with pytest.raises(CommandError, match="Aucun fichier"):
        call_command("resend_employee_records", file="RIAE_FS_19990101000000.json")


def test_siret_change_resends_processed_records_with_the_new_siret():
    parent = CompanyFactory()
    antenna = CompanyFactory(with_member=True, parent=parent, source="USER_CREATED")
    record = complete_record(status=Status.PROCESSED, approval_hire=hire_with_pass(antenna))
    new_parent = CompanyFactory()
    antenna.parent = new_parent
    antenna.save()
    call_command("resend_employee_records", company=antenna.pk)
    record.refresh_from_db()
    assert (record.status, record.asp_siret) == (Status.READY, new_parent.siret)
