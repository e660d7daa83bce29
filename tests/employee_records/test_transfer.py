"""The exchange through a real SFTP server (asyncssh on 127.0.0.1, random port)."""

import json

import paramiko
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from itou.employee_records import services, sftp, simulator, transfer
from itou.employee_records.enums import BatchStatus, NotificationStatus, Status
from itou.employee_records.models import EmployeeRecord, EmployeeRecordBatch, UpdateNotification
from itou.notifications.models import SentEmail  # noqa: F401
from tests.employee_records.factories import bulk_records, complete_record
from tests.helpers import run_pending_jobs

NOW = "2026-03-02 09:55:00+00:00"


def _files(server, folder):
    return sorted(p.name for p in (server.root / folder).iterdir() if not p.name.startswith("."))


def _feedback(server, batch, codes, **overrides):
    """Write the ASP's answer to `batch` in retrait: codes by line number."""
    document = json.loads(batch.content)
    for line in document["lignesTelechargement"]:
        code = codes.get(line["numLigne"], "0000")
        line["codeTraitement"] = code
        line["libelleTraitement"] = "OK" if code == "0000" else f"Erreur {code}"
    document.update(overrides)
    path = server.root / "retrait" / batch.expected_feedback_filename
    path.write_text(json.dumps(document))
    return path


@time_machine.travel(NOW, tick=False)
def test_upload_sends_ready_records_and_marks_them_sent(sftp_server):
    records = [complete_record(status=Status.READY) for _ in range(3)]
    new = complete_record(status=Status.NEW)
    assert transfer.upload() == ["RIAE_FS_20260302095500.json"]
    assert _files(sftp_server, "depot") == ["RIAE_FS_20260302095500.json"]
    content = json.loads((sftp_server.root / "depot" / "RIAE_FS_20260302095500.json").read_bytes())
    assert [line["numLigne"] for line in content["lignesTelechargement"]] == [1, 2, 3]
    batch = EmployeeRecordBatch.objects.get()
    assert batch.status == BatchStatus.UPLOADED and batch.line_count == 3
    for number, record in enumerate(records, start=1):
        record.refresh_from_db()
        assert (record.status, record.batch, record.line_number) == (Status.SENT, batch, number)
        assert record.archived_json == content["lignesTelechargement"][number - 1]
        log = record.logs.get()
        assert (log.transition, log.from_status, log.to_status, log.batch, log.line_number) == (
            "wait_for_asp_response", Status.READY, Status.SENT, batch, number,
        )  # fmt: skip
    new.refresh_from_db()
    assert new.status == Status.NEW and new.batch is None
    # Nothing left: a second run sends nothing.
    assert transfer.upload() == []


@time_machine.travel(NOW, tick=False)
def test_701_ready_records_make_two_files(sftp_server):
    first = complete_record(status=Status.READY)
    bulk_records(700)
    assert len(transfer.upload()) == 1
    batch = EmployeeRecordBatch.objects.get()
    assert batch.line_count == 700
    assert EmployeeRecord.objects.filter(status=Status.READY).count() == 1
    first.refresh_from_db()
    assert first.status == Status.SENT  # oldest first
    with time_machine.travel("2026-03-02 11:55:00+00:00", tick=False):
        assert transfer.upload() == ["RIAE_FS_20260302115500.json"]
    assert EmployeeRecordBatch.objects.count() == 2
    assert not EmployeeRecord.objects.filter(status=Status.READY).exists()
    assert EmployeeRecordBatch.objects.order_by("created_at").last().line_count == 1


@time_machine.travel(NOW, tick=False)
def test_sftp_outage_leaves_every_record_ready_then_same_file_is_sent(sftp_server, settings):
    records = [complete_record(status=Status.READY) for _ in range(2)]
    sftp_server.stop()
    with pytest.raises(sftp.SFTPError):
        transfer.upload()
    assert all(r.status == Status.READY for r in EmployeeRecord.objects.all())
    batch = EmployeeRecordBatch.objects.get()
    assert batch.status == BatchStatus.PENDING and batch.upload_attempts == 1 and batch.last_error
    # The server is back (same keys and folder): the same file name goes, nothing doubled.
    sftp_server.start()
    settings.ASP_SFTP_PORT = sftp_server.port
    assert transfer.upload() == [batch.filename]
    assert EmployeeRecordBatch.objects.count() == 1
    assert {r.status for r in EmployeeRecord.objects.filter(pk__in=[r.pk for r in records])} == {Status.SENT}


@time_machine.travel(NOW, tick=False)
def test_crash_after_upload_before_commit_never_sends_twice(sftp_server, monkeypatch):
    complete_record(status=Status.READY)

    def crash(batch, now=None):
        raise RuntimeError("worker killed")

    monkeypatch.setattr(transfer, "mark_sent", crash)
    with pytest.raises(RuntimeError):
        transfer.upload()
    monkeypatch.undo()
    path = sftp_server.root / "depot" / "RIAE_FS_20260302095500.json"
    first_upload = path.stat().st_mtime_ns
    assert transfer.upload() == ["RIAE_FS_20260302095500.json"]
    assert path.stat().st_mtime_ns == first_upload  # not uploaded again
    assert _files(sftp_server, "depot") == ["RIAE_FS_20260302095500.json"]
    assert EmployeeRecord.objects.get().status == Status.SENT


@time_machine.travel(NOW, tick=False)
def test_incomplete_record_cannot_be_sent(sftp_server):
    record = complete_record(status=Status.NEW, education_level="")
    with pytest.raises(ValidationError, match="niveau de formation"):
        services.employee_record_ready(
            acting_user=record.company.memberships.get().user, company=record.company, record=record
        )
    # Even forced to READY (admin), it is not put in a file.
    EmployeeRecord.objects.filter(pk=record.pk).update(status=Status.READY)
    assert transfer.upload() == []
    record.refresh_from_db()
    assert record.status == Status.READY and record.batch is None


@time_machine.travel(NOW, tick=False)
def test_download_applies_codes_then_removes_the_file(sftp_server):
    records = [complete_record(status=Status.READY) for _ in range(3)]
    records[2].approval.suspensions.model  # noqa: B018
    transfer.upload()
    batch = EmployeeRecordBatch.objects.get()
    path = _feedback(sftp_server, batch, {2: "3417", 3: "3436"})
    result = transfer.download()
    assert result[path.name] == {"process": 2, "reject": 1, "skipped": 0}
    assert not path.exists()
    ok, rejected, duplicate = (EmployeeRecord.objects.get(pk=r.pk) for r in records)
    assert ok.status == Status.PROCESSED and ok.asp_code == "0000" and ok.processed_at is not None
    assert rejected.status == Status.REJECTED
    assert (rejected.asp_code, rejected.asp_label) == ("3417", "Erreur 3417")
    assert duplicate.status == Status.PROCESSED and duplicate.processed_as_duplicate
    assert duplicate.asp_label == "Statut forcé suite à doublon ASP"
    log = rejected.logs.order_by("pk").last()
    assert (log.transition, log.batch, log.line_number, log.asp_code) == ("reject", batch, 2, "3417")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FEEDBACK_APPLIED and batch.feedback_content
    # Safe to run twice: the same file again changes nothing.
    path.write_text(batch.feedback_content)
    assert transfer.download()[path.name] == "already applied"
    assert not path.exists()
    assert EmployeeRecord.objects.get(pk=rejected.pk).logs.count() == 2


@time_machine.travel(NOW, tick=False)
def test_file_read_twice_before_commit_skips_handled_lines(sftp_server):
    record = complete_record(status=Status.READY)
    transfer.upload()
    batch = EmployeeRecordBatch.objects.get()
    raw = _feedback(sftp_server, batch, {}).read_bytes()
    transfer.apply_feedback(batch, batch.expected_feedback_filename, raw, processed_at=timezone.now())
    EmployeeRecordBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.UPLOADED)
    summary = transfer.apply_feedback(batch, batch.expected_feedback_filename, raw, processed_at=timezone.now())
    assert summary == {"process": 0, "reject": 0, "skipped": 1}
    assert EmployeeRecord.objects.get(pk=record.pk).logs.count() == 2


@pytest.mark.parametrize(
    "corrupt,reason",
    [
        (lambda path, doc: path.write_text("{not json"), "JSON illisible"),
        (
            lambda path, doc: path.write_text(
                json.dumps({**doc, "lignesTelechargement": [{**doc["lignesTelechargement"][0], "numLigne": 9}]})
            ),
            "numéro de ligne inconnu",
        ),  # noqa: E501
        (
            lambda path, doc: path.write_text(
                json.dumps(
                    {**doc, "lignesTelechargement": [{**doc["lignesTelechargement"][0], "codeTraitement": "OK!"}]}
                )
            ),
            "code de traitement inconnu",
        ),  # noqa: E501
    ],
)
@time_machine.travel(NOW, tick=False)
def test_malformed_feedback_is_moved_aside_and_reported_without_change(
    sftp_server, corrupt, reason, settings, django_capture_on_commit_callbacks
):
    settings.ASP_OPERATORS_EMAIL = "operateurs@example.com"
    record = complete_record(status=Status.READY)
    transfer.upload()
    batch = EmployeeRecordBatch.objects.get()
    path = _feedback(sftp_server, batch, {})
    corrupt(path, json.loads(path.read_text()))
    with django_capture_on_commit_callbacks(execute=True):
        assert transfer.download()[path.name] == "aside"
    assert not path.exists()
    assert (sftp_server.root / "retrait" / "erreurs" / path.name).exists()
    record.refresh_from_db()
    assert record.status == Status.SENT and record.logs.count() == 1
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FEEDBACK_ERROR and reason in batch.last_error
    run_pending_jobs()
    email = SentEmail.objects.get()
    assert email.to == ["operateurs@example.com"] and path.name in email.subject


@time_machine.travel(NOW, tick=False)
def test_unknown_feedback_file_is_moved_aside(sftp_server):
    path = sftp_server.root / "retrait" / "RIAE_FS_20200101000000_FichierRetour.json"
    path.write_text("{}")
    other_flow = sftp_server.root / "retrait" / "AUTRE_FLUX.json"
    other_flow.write_text("{}")
    assert transfer.download() == {path.name: "aside"}
    assert other_flow.exists()


@time_machine.travel(NOW, tick=False)
def test_update_notification_round_trip(sftp_server):
    from itou.approvals import services as approval_services
    from tests.employee_records.factories import member_of

    record = complete_record(status=Status.PROCESSED)
    # A suspension moves the end date: a notification in the same transaction.
    approval_services.suspension_create(
        acting_user=member_of(record.company),
        company=record.company,
        approval=record.approval,
        start_at=timezone.localdate(),
        end_at=timezone.localdate() + timezone.timedelta(days=30),
        reason="contract_suspended",
    )
    notification = UpdateNotification.objects.get()
    assert notification.status == NotificationStatus.NEW
    # A second change refreshes it, never a second NEW one.
    approval_services.prolongation_declare  # noqa: B018
    services.notify_approval_dates_changed(record.approval)
    assert UpdateNotification.objects.count() == 1
    uploaded = transfer.upload()
    batch = EmployeeRecordBatch.objects.get(movement_type="M")
    assert uploaded == [batch.filename]
    line = json.loads(batch.content)["lignesTelechargement"][0]
    assert line["typeMouvement"] == "M"
    record.approval.refresh_from_db()
    assert line["personnePhysique"]["passDateFin"] == record.approval.end_at.strftime("%d/%m/%Y")
    _feedback(sftp_server, batch, {})
    transfer.download()
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.PROCESSED
    record.refresh_from_db()
    assert record.status == Status.PROCESSED  # the record itself is untouched


@time_machine.travel(NOW, tick=False)
def test_records_and_notifications_go_in_separate_files(sftp_server):
    processed = complete_record(status=Status.PROCESSED)
    UpdateNotification.objects.create(employee_record=processed)
    complete_record(status=Status.READY)
    assert transfer.upload() == ["RIAE_FS_20260302095500.json", "RIAE_FS_20260302095501.json"]
    kinds = dict(EmployeeRecordBatch.objects.values_list("filename", "movement_type"))
    assert kinds == {"RIAE_FS_20260302095500.json": "C", "RIAE_FS_20260302095501.json": "M"}


def test_cancelled_pass_disables_the_record_with_a_message():
    from itou.approvals import services as approval_services

    record = complete_record(status=Status.READY)
    approval_services.approval_hire_cancelled(record.job_application)
    record.refresh_from_db()
    assert record.status == Status.DISABLED
    assert "PASS IAE" in record.status_message and "retiré" in record.status_message
    assert record.logs.get().transition == "disable_cancelled_pass"


@time_machine.travel(NOW, tick=False)
def test_simulator_answers_every_batch(sftp_server):
    for _ in range(20):
        complete_record(status=Status.READY)
    transfer.upload()
    with sftp.connect() as client:
        written = simulator.run_once(client, seed=1, error_rate=0.25)
    assert written == ["RIAE_FS_20260302095500_FichierRetour.json"]
    assert _files(sftp_server, "depot") == []
    transfer.download()
    statuses = set(EmployeeRecord.objects.values_list("status", flat=True))
    assert statuses <= {Status.PROCESSED, Status.REJECTED} and Status.PROCESSED in statuses


def test_unknown_host_key_is_refused(sftp_server, tmp_path, settings):
    other = tmp_path / "other_known_hosts"
    key = paramiko.Ed25519Key.from_private_key_file(sftp_server.client_key_path)
    other.write_text(f"[127.0.0.1]:{sftp_server.port} {key.get_name()} {key.get_base64()}\n")
    settings.ASP_SFTP_KNOWN_HOSTS = str(other)
    with pytest.raises(sftp.SFTPError), sftp.connect():
        pass


def test_unknown_client_key_is_refused(sftp_server, tmp_path, settings):
    key_path = tmp_path / "intruder"
    paramiko.Ed25519Key  # noqa: B018
    import asyncssh

    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(key_path))
    settings.ASP_SFTP_PRIVATE_KEY_PATH = str(key_path)
    with pytest.raises(sftp.SFTPError), sftp.connect():
        pass


@time_machine.travel(NOW, tick=False)
def test_periodic_jobs_respect_the_enable_flag(sftp_server, settings):
    from itou.employee_records import tasks

    complete_record(status=Status.READY)
    settings.ASP_TRANSFER_ENABLED = False
    tasks.upload_employee_records(timestamp=0)
    assert not EmployeeRecordBatch.objects.exists()
    settings.ASP_TRANSFER_ENABLED = True
    tasks.upload_employee_records(timestamp=0)
    assert EmployeeRecordBatch.objects.count() == 1
