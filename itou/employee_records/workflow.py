"""The employee record state machine (ASP.md §3), declared once, and the notification one (§7).

Every transition goes through `fire_record` / `fire_notification`, which save the object
and write an EmployeeRecordTransitionLog row (who, file, line, ASP code and label).
"""

from itou.employee_records import completeness
from itou.employee_records.enums import NotificationStatus as N
from itou.employee_records.enums import Status as S
from itou.employee_records.models import EmployeeRecordTransitionLog
from itou.utils.state_machine import ObjectMachine, Transition
from itou.utils.state_machine import TransitionNotAllowed as TransitionNotAllowed  # raised by fire_*


def _complete(obj, **context):
    if missing := completeness.missing_fields(obj):
        return "La fiche salarié est incomplète : " + ", ".join(missing) + "."
    return None


def _ready_guard(obj, **context):
    from django.utils import timezone

    if obj.job_application.hiring_start_at and obj.job_application.hiring_start_at > timezone.localdate():
        return "La fiche salarié ne peut être validée qu'à partir de la date de début du contrat."
    return _complete(obj)


RECORD_MACHINE = ObjectMachine(
    field="status",
    transitions=[
        Transition(
            "ready",
            "Fiche validée",
            frozenset({S.NEW, S.REJECTED, S.DISABLED, S.PROCESSED}),
            S.READY,
            blockers=(_ready_guard,),
        ),
        Transition(
            "wait_for_asp_response", "Fiche envoyée à l'ASP", frozenset({S.READY}), S.SENT, blockers=(_complete,)
        ),
        # Staff: resend a batch, or records after a SIRET change (no employer check of the hire date).
        Transition(
            "resend",
            "Fiche renvoyée par le support",
            frozenset({S.SENT, S.REJECTED, S.PROCESSED}),
            S.READY,
            blockers=(_complete,),
        ),
        Transition("process", "Fiche intégrée par l'ASP", frozenset({S.SENT}), S.PROCESSED),
        Transition("reject", "Fiche rejetée par l'ASP", frozenset({S.SENT}), S.REJECTED),
        Transition("disable", "Fiche désactivée", frozenset({S.NEW, S.REJECTED, S.PROCESSED}), S.DISABLED),
        # The system's answer to a withdrawn PASS (message in `status_message`).
        Transition(
            "disable_cancelled_pass",
            "Fiche désactivée (PASS IAE retiré)",
            frozenset({S.NEW, S.READY, S.REJECTED, S.PROCESSED}),
            S.DISABLED,
        ),
        Transition("enable", "Fiche réactivée", frozenset({S.DISABLED}), S.NEW),
        Transition(
            "archive", "Fiche archivée", frozenset({S.NEW, S.READY, S.REJECTED, S.PROCESSED, S.DISABLED}), S.ARCHIVED
        ),
        Transition("unarchive_new", "Fiche désarchivée", frozenset({S.ARCHIVED}), S.NEW),
        Transition("unarchive_processed", "Fiche désarchivée", frozenset({S.ARCHIVED}), S.PROCESSED),
        Transition("unarchive_rejected", "Fiche désarchivée", frozenset({S.ARCHIVED}), S.REJECTED),
    ],
)

NOTIFICATION_MACHINE = ObjectMachine(
    field="status",
    transitions=[
        Transition("wait_for_asp_response", "Notification envoyée à l'ASP", frozenset({N.NEW}), N.SENT),
        Transition("process", "Notification intégrée par l'ASP", frozenset({N.SENT}), N.PROCESSED),
        Transition("reject", "Notification rejetée par l'ASP", frozenset({N.SENT}), N.REJECTED),
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

    transition = RECORD_MACHINE.fire(name, record, log=log)
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

    transition = NOTIFICATION_MACHINE.fire(name, notification, log=log)
    notification.save()
    return transition
