"""The exchange with the ASP (ASP.md §5–7): batch files up to `depot`, feedback down from `retrait`.

Upload, in three steps so that a crash never sends a line twice:
1. one transaction picks the READY records (or NEW notifications), writes the batch row
   with its file name and exact content, and numbers the lines (they stay READY);
2. the file goes to the server under a temporary name, then is renamed; a file already
   there under that name is not sent again (a previous run crashed after step 2);
3. one transaction marks the lines SENT with the file name, line number and JSON line.
If the server is down, the batch stays PENDING with its records READY and the next run
(or the job's retry) uploads the same file under the same name.

Download: each feedback file is checked whole before anything changes; then one
transaction applies its codes, and only after the commit is the file removed from the
server. A file that cannot be read (bad JSON, unknown line, unknown code) is logged, moved
to `retrait/erreurs` and reported to the operators; no line changes.
"""

import datetime
import json
import logging
import re

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from itou.employee_records import serializers, sftp, workflow
from itou.employee_records.completeness import missing_fields
from itou.employee_records.enums import BatchStatus, MovementType, NotificationStatus, Status
from itou.employee_records.models import (
    EmployeeRecord,
    EmployeeRecordBatch,
    EmployeeRecordTransitionLog,
    UpdateNotification,
)
from itou.notifications.emails import send_text_email

logger = logging.getLogger(__name__)

MAX_LINES = 700
MAX_BYTES = 2048 * 1024
FEEDBACK_SUFFIX = "_FichierRetour.json"
CODE_RE = re.compile(r"^[0-9]{4}$")
SUCCESS = "0000"
ALREADY_INTEGRATED = "3436"
DUPLICATE_LABEL = "Statut forcé suite à doublon ASP"


class MalformedFeedback(Exception):
    pass


def batch_filename(when: datetime.datetime) -> str:
    return f"RIAE_FS_{when.astimezone(datetime.UTC):%Y%m%d%H%M%S}.json"


def _free_filename(now: datetime.datetime) -> str:
    """One file per second at most (the name is the timestamp): the next free second."""
    when = now
    while EmployeeRecordBatch.objects.filter(filename=batch_filename(when)).exists():
        when += datetime.timedelta(seconds=1)
    return batch_filename(when)


def _not_in_pending_batch():
    return models.Q(batch__isnull=True) | ~models.Q(batch__status=BatchStatus.PENDING)


def ready_records():
    return (
        EmployeeRecord.objects.for_asp_file()
        .filter(status=Status.READY, job_application__state="accepted")
        .filter(_not_in_pending_batch())
        .order_by("updated_at", "pk")
    )


def new_notifications():
    return (
        UpdateNotification.objects.select_related(
            "employee_record__birth_country",
            "employee_record__company__parent",
            "employee_record__approval",
            "employee_record__job_application__job_seeker",
            "employee_record__job_application__sender_prescriber_organization",
        )
        .filter(status=NotificationStatus.NEW)
        .filter(_not_in_pending_batch())
        .order_by("created_at", "pk")
    )


def _fit(lines: list[dict]) -> tuple[list[dict], bytes]:
    content = serializers.dumps(serializers.document(lines))
    while len(content) > MAX_BYTES and len(lines) > 1:
        lines = lines[: max(1, len(lines) * MAX_BYTES // len(content) - 1)]
        content = serializers.dumps(serializers.document(lines))
    return lines, content


def _number_lines(model, batch, ids: list[int]) -> None:
    """Attach the rows to the batch, line n for ids[n-1], in one UPDATE (bulk_update's
    CASE WHEN is quadratic); `updated_at` is left alone."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET batch_id = %s, line_number = array_position(%s::bigint[], id)"
            " WHERE id = ANY(%s::bigint[])",
            [batch.pk, ids, ids],
        )


def _mark_rows_sent(model, ids: list[int], lines: list[str], status: str, now) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} AS t SET status = %s, updated_at = %s, archived_json = data.line"
            " FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[])::jsonb AS line) AS data"
            " WHERE t.id = data.id",
            [status, now, ids, lines],
        )


def build_record_batch(*, now=None) -> EmployeeRecordBatch | None:
    """Step 1 for records: one batch of at most MAX_LINES READY records, or None. Call in a transaction."""
    now = now or timezone.now()
    records = []
    for record in ready_records().select_for_update(of=("self",), skip_locked=True)[:MAX_LINES]:
        if missing := missing_fields(record):
            logger.warning("Fiche salarié %s incomplète, non envoyée : %s", record.pk, ", ".join(missing))
            continue
        records.append(record)
    if not records:
        return None
    lines, content = _fit([serializers.record_line(record, n) for n, record in enumerate(records, start=1)])
    records = records[: len(lines)]
    batch = EmployeeRecordBatch.objects.create(
        movement_type=MovementType.CREATION,
        filename=_free_filename(now),
        content=content.decode(),
        line_count=len(lines),
        created_at=now,
    )
    _number_lines(EmployeeRecord, batch, [record.pk for record in records])
    return batch


def build_notification_batch(*, now=None) -> EmployeeRecordBatch | None:
    now = now or timezone.now()
    notifications = list(new_notifications().select_for_update(of=("self",), skip_locked=True)[:MAX_LINES])
    if not notifications:
        return None
    lines, content = _fit(
        [serializers.notification_line(notification, n) for n, notification in enumerate(notifications, start=1)]
    )
    notifications = notifications[: len(lines)]
    batch = EmployeeRecordBatch.objects.create(
        movement_type=MovementType.UPDATE,
        filename=_free_filename(now),
        content=content.decode(),
        line_count=len(lines),
        created_at=now,
    )
    _number_lines(UpdateNotification, batch, [notification.pk for notification in notifications])
    return batch


@transaction.atomic
def mark_sent(batch: EmployeeRecordBatch, *, now=None) -> int:
    """Step 3: the lines of an uploaded batch become SENT, with their JSON line as proof."""
    now = now or timezone.now()
    batch = EmployeeRecordBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != BatchStatus.PENDING:
        return 0
    lines = {line["numLigne"]: line for line in json.loads(batch.content)["lignesTelechargement"]}
    logs = []
    if batch.movement_type == MovementType.CREATION:
        items = list(EmployeeRecord.objects.select_for_update().filter(batch=batch, status=Status.READY))
        machine = workflow.RECORD_MACHINE
    else:
        items = list(UpdateNotification.objects.select_for_update().filter(batch=batch, status=NotificationStatus.NEW))
        machine = workflow.NOTIFICATION_MACHINE
    transition = machine.transitions["wait_for_asp_response"]
    is_record = batch.movement_type == MovementType.CREATION
    checked = []
    for item in items:
        try:
            machine.check(transition.name, item)  # the declared table and its blockers
        except workflow.TransitionNotAllowed as error:
            logger.error("Ligne %s de %s non marquée envoyée : %s", item.line_number, batch.filename, error.message)
            continue
        checked.append(item)
        logs.append(
            EmployeeRecordTransitionLog(
                employee_record_id=item.pk if is_record else item.employee_record_id,
                notification=None if is_record else item,
                transition=transition.name if is_record else f"notification_{transition.name}",
                from_status=item.status,
                to_status=transition.target,
                batch=batch,
                line_number=item.line_number,
                created_at=now,
            )
        )
    items = checked
    _mark_rows_sent(
        type(items[0]) if items else EmployeeRecord,
        [item.pk for item in items],
        [json.dumps(lines.get(item.line_number)) for item in items],
        transition.target,
        now,
    )
    EmployeeRecordTransitionLog.objects.bulk_create(logs)
    batch.status = BatchStatus.UPLOADED
    batch.uploaded_at = now
    batch.last_error = ""
    batch.save(update_fields=["status", "uploaded_at", "last_error"])
    return len(items)


def upload(*, now=None) -> list[str]:
    """One run of the upload job: the pending batches (a previous run failed), then at
    most one new batch of records and one of notifications. Returns the uploaded names.
    Raises sftp.SFTPError when the server fails: the batches stay PENDING, records READY."""
    now = now or timezone.now()
    with transaction.atomic():
        build_record_batch(now=now)
        build_notification_batch(now=now)
    pending = list(EmployeeRecordBatch.objects.filter(status=BatchStatus.PENDING).order_by("created_at", "pk"))
    if not pending:
        return []
    uploaded = []
    try:
        with sftp.connect() as client:
            for batch in pending:
                if not client.upload(batch.filename, batch.content.encode()):
                    logger.warning("Fichier %s déjà déposé : pas de nouvel envoi.", batch.filename)
                mark_sent(batch, now=now)
                uploaded.append(batch.filename)
    except sftp.SFTPError as error:
        logger.error("Dépôt des fiches salarié en échec : %s", error)
        EmployeeRecordBatch.objects.filter(pk__in=[b.pk for b in pending if b.filename not in uploaded]).update(
            upload_attempts=models.F("upload_attempts") + 1, last_error=str(error)[:2000]
        )
        raise
    return uploaded


# Download


def _parse(raw: bytes, batch: EmployeeRecordBatch) -> list[dict]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise MalformedFeedback(f"JSON illisible : {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("lignesTelechargement"), list):
        raise MalformedFeedback("Enveloppe inattendue : « lignesTelechargement » absent.")
    lines = []
    for index, line in enumerate(data["lignesTelechargement"], start=1):
        if not isinstance(line, dict):
            raise MalformedFeedback(f"Élément {index} : ce n'est pas une ligne.")
        number = line.get("numLigne")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= batch.line_count:
            raise MalformedFeedback(f"Élément {index} : numéro de ligne inconnu ({number!r}).")
        if line.get("typeMouvement") != batch.movement_type:
            raise MalformedFeedback(f"Ligne {number} : type de mouvement {line.get('typeMouvement')!r} inattendu.")
        code = line.get("codeTraitement")
        if not isinstance(code, str) or not CODE_RE.match(code):
            raise MalformedFeedback(f"Ligne {number} : code de traitement inconnu ({code!r}).")
        label = line.get("libelleTraitement") or ""
        if not isinstance(label, str):
            raise MalformedFeedback(f"Ligne {number} : libellé de traitement illisible.")
        lines.append({"number": number, "code": code, "label": label[:250]})
    return lines


def _apply_record_line(record, line, batch, processed_at) -> str | None:
    if record.status != Status.SENT or record.batch_id != batch.pk:
        return None  # already handled (file read twice) or sent again since: skipped
    code, label = line["code"], line["label"]
    record.asp_code = code
    if code == SUCCESS:
        record.asp_label = label
        record.processed_at = processed_at
        name = "process"
    elif code == ALREADY_INTEGRATED:
        record.asp_label = DUPLICATE_LABEL
        record.processed_at = processed_at
        record.processed_as_duplicate = True
        name = "process"
        approval = record.approval
        if approval.suspensions.exists() or approval.prolongations.exists():
            UpdateNotification.objects.get_or_create(employee_record=record, status=NotificationStatus.NEW)
    else:
        record.asp_label = label
        name = "reject"
    workflow.fire_record(
        record, name, batch=batch, line_number=line["number"], asp_code=code, asp_label=record.asp_label
    )
    return name


def _apply_notification_line(notification, line, batch, processed_at) -> str | None:
    if notification.status != NotificationStatus.SENT or notification.batch_id != batch.pk:
        return None
    notification.asp_code, notification.asp_label = line["code"], line["label"]
    name = "process" if line["code"] == SUCCESS else "reject"
    if name == "process":
        notification.processed_at = processed_at
    workflow.fire_notification(
        notification, name, batch=batch, line_number=line["number"], asp_code=line["code"], asp_label=line["label"]
    )
    return name


@transaction.atomic
def apply_feedback(batch: EmployeeRecordBatch, filename: str, raw: bytes, *, processed_at) -> dict:
    """Check the whole file, then apply every line in this transaction. Raises MalformedFeedback."""
    batch = EmployeeRecordBatch.objects.select_for_update().get(pk=batch.pk)
    lines = _parse(raw, batch)
    if batch.movement_type == MovementType.CREATION:
        items = {
            r.line_number: r
            for r in EmployeeRecord.objects.select_for_update(of=("self",))
            .select_related("approval")
            .filter(batch=batch)
        }
        apply = _apply_record_line
    else:
        items = {n.line_number: n for n in UpdateNotification.objects.select_for_update().filter(batch=batch)}
        apply = _apply_notification_line
    summary = {"process": 0, "reject": 0, "skipped": 0}
    for line in lines:
        item = items.get(line["number"])
        result = apply(item, line, batch, processed_at) if item else None
        summary[result or "skipped"] += 1
    batch.status = BatchStatus.FEEDBACK_APPLIED
    batch.feedback_filename = filename
    batch.feedback_content = raw.decode("utf-8")
    batch.feedback_at = timezone.now()
    batch.last_error = ""
    batch.save(update_fields=["status", "feedback_filename", "feedback_content", "feedback_at", "last_error"])
    return summary


def report_to_operators(subject: str, body: str) -> None:
    send_text_email(subject=f"Fiches salarié ASP : {subject}", text=body, to=settings.ASP_OPERATORS_EMAIL)


def _set_aside(client, filename, reason, batch=None):
    logger.error("Fichier retour ASP %s mis de côté : %s", filename, reason)
    client.move_feedback_aside(filename)
    with transaction.atomic():
        if batch is not None:
            EmployeeRecordBatch.objects.filter(pk=batch.pk).update(
                status=BatchStatus.FEEDBACK_ERROR, feedback_filename=filename, last_error=reason[:2000]
            )
        report_to_operators(
            f"fichier retour illisible {filename}",
            f"Le fichier retour {filename} n'a pas pu être intégré : {reason}\n"
            f"Il a été déplacé dans {sftp.ASIDE_DIR} sur le serveur SFTP ; aucune fiche n'a changé d'état.",
        )


def download() -> dict:
    """One run of the download job: every feedback file of `retrait`. Safe to run twice."""
    results = {}
    with sftp.connect() as client:
        for filename, mtime in client.feedback_files_with_times():
            if not filename.endswith(FEEDBACK_SUFFIX):
                continue
            batch = EmployeeRecordBatch.objects.filter(
                filename=filename.removesuffix(FEEDBACK_SUFFIX) + ".json"
            ).first()
            if batch is None:
                _set_aside(client, filename, "aucun fichier déposé ne porte ce nom.")
                results[filename] = "aside"
                continue
            if batch.status == BatchStatus.FEEDBACK_APPLIED:
                client.remove_feedback(filename)  # applied by a run that crashed before removing it
                results[filename] = "already applied"
                continue
            raw = client.read_feedback(filename)
            processed_at = datetime.datetime.fromtimestamp(mtime, datetime.UTC) if mtime else timezone.now()
            try:
                results[filename] = apply_feedback(batch, filename, raw, processed_at=processed_at)
            except MalformedFeedback as error:
                _set_aside(client, filename, str(error), batch)
                results[filename] = "aside"
                continue
            client.remove_feedback(filename)  # only after the commit above
    return results
