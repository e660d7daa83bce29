"""The employee record state machine (ASP.md §3), declared once, and the notification one (§7).

Every transition goes through `fire_record` / `fire_notification`, which save the object
and write an EmployeeRecordTransitionLog row (who, file, line, ASP code and label).
"""

from itou.employee_records import completeness
from itou.employee_records.enums import NotificationStatus as N
from itou.employee_records.enums import Status as S
from itou.employee_records.models import EmployeeRecordTransitionLog
from itou.employee_records.statemachine import StateMachine, Transition, TransitionNotAllowed  # noqa: F401


def _complete(record):
    if missing := completeness.missing_fields(record):
        return "La fiche salarié est incomplète : " + ", ".join(missing) + "."
    return None


def _ready_guard(record):
    from django.utils import timezone

    if record.job_application.hiring_start_at and record.job_application.hiring_start_at > timezone.localdate():
        return "La fiche salarié ne peut être validée qu'à partir de la date de début du contrat."
    return _complete(record)


RECORD_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition(
            "ready", frozenset({S.NEW, S.REJECTED, S.DISABLED, S.PROCESSED}), S.READY, "Fiche validée", _ready_guard
        ),
        Transition("wait_for_asp_response", frozenset({S.READY}), S.SENT, "Fiche envoyée à l'ASP", _complete),
        # Staff: resend a batch, or records after a SIRET change (no employer check of the hire date).
        Transition(
            "resend", frozenset({S.SENT, S.REJECTED, S.PROCESSED}), S.READY, "Fiche renvoyée par le support", _complete
        ),
        Transition("process", frozenset({S.SENT}), S.PROCESSED, "Fiche intégrée par l'ASP"),
        Transition("reject", frozenset({S.SENT}), S.REJECTED, "Fiche rejetée par l'ASP"),
        Transition("disable", frozenset({S.NEW, S.REJECTED, S.PROCESSED}), S.DISABLED, "Fiche désactivée"),
        # The system's answer to a withdrawn PASS (message in `status_message`).
        Transition(
            "disable_cancelled_pass",
            frozenset({S.NEW, S.READY, S.REJECTED, S.PROCESSED}),
            S.DISABLED,
            "Fiche désactivée (PASS IAE retiré)",
        ),
        Transition("enable", frozenset({S.DISABLED}), S.NEW, "Fiche réactivée"),
        Transition(
            "archive",
            frozenset({S.NEW, S.READY, S.REJECTED, S.PROCESSED, S.DISABLED}),
            S.ARCHIVED,
            "Fiche archivée",
        ),
        Transition("unarchive_new", frozenset({S.ARCHIVED}), S.NEW, "Fiche désarchivée"),
        Transition("unarchive_processed", frozenset({S.ARCHIVED}), S.PROCESSED, "Fiche désarchivée"),
        Transition("unarchive_rejected", frozenset({S.ARCHIVED}), S.REJECTED, "Fiche désarchivée"),
    ],
)

NOTIFICATION_MACHINE = StateMachine(
    field="status",
    transitions=[
        Transition("wait_for_asp_response", frozenset({N.NEW}), N.SENT, "Notification envoyée à l'ASP"),
        Transition("process", frozenset({N.SENT}), N.PROCESSED, "Notification intégrée par l'ASP"),
        Transition("reject", frozenset({N.SENT}), N.REJECTED, "Notification rejetée par l'ASP"),
    ],
)


def fire_record(record, name, *, user=None, batch=None, line_number=None, asp_code="", asp_label="", save=True):
    def log(transition, previous):
        EmployeeRecordTransitionLog.objects.create(
            employee_record=record,
            transition=transition.name,
            from_status=previous,
            to_status=transition.target,
            user=user,
            batch=batch,
            line_number=line_number,
            asp_code=asp_code,
            asp_label=asp_label[:250],
        )

    transition = RECORD_MACHINE.fire(record, name, log=log)
    if save:
        record.save()
    return transition


def fire_notification(notification, name, *, batch=None, line_number=None, asp_code="", asp_label=""):
    def log(transition, previous):
        EmployeeRecordTransitionLog.objects.create(
            employee_record_id=notification.employee_record_id,
            notification=notification,
            transition=f"notification_{transition.name}",
            from_status=previous,
            to_status=transition.target,
            batch=batch,
            line_number=line_number,
            asp_code=asp_code,
            asp_label=asp_label[:250],
        )

    transition = NOTIFICATION_MACHINE.fire(notification, name, log=log)
    notification.save()
    return transition
