"""Every change to an application after its creation (creation: itou/job_applications/apply.py).

Each service takes keyword-only arguments, the acting user first, and:
- locks the application row (`SELECT … FOR NO KEY UPDATE`) in one transaction, so that
  two people acting at once are served one after the other;
- checks inside that the acting user is an active member of the receiving employer
  (PermissionDenied otherwise: views never get there, they load through scoped queries);
- checks the transition against the table of workflow.py, and against `expected_state`,
  the state the user's page showed: a double click or a stale page raises
  TransitionNotAllowed (the view flashes "Cette action a déjà été effectuée…") instead
  of, say, accepting an application that a colleague refused in the meantime;
- writes one JobApplicationTransitionLog row (who, when, from, to, details);
- sends its emails once the transaction commits (notifications.py).
Bad input raises ValidationError with French messages keyed by field.
"""

import datetime
import functools

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.companies.models import CompanyMembership, JobDescription
from itou.job_applications import notifications, perms
from itou.job_applications.enums import Actor, JobApplicationState, PriorActionKind, RefusalReason
from itou.job_applications.models import (
    AUTO_REFUSE_AFTER,
    MAX_HIRING_START_POSTPONEMENT_DAYS,
    JobApplication,
    JobApplicationComment,
    JobApplicationTransitionLog,
    NewApplicationNotificationOptOut,
)
from itou.job_applications.workflow import (
    ARCHIVABLE_STATES,
    ARCHIVE,
    IDLE_STATES,
    TRANSITIONS,
    UNARCHIVE,
    UPDATE_HIRING_START,
    TransitionNotAllowed,
    check_transition,
)
from itou.users.models import User

# --- Hooks for the work that comes next (PASS IAE, employee records) -------------------


def on_hire(job_application: JobApplication) -> None:
    """Called once per hire, by `job_application_accept` only, inside its transaction, after
    the application is saved as accepted (hiring dates set, other applications made obsolete).

    For an SIAE, deliver or reuse the job seeker's PASS IAE (DOMAIN.md, PASS IAE; see
    itou.approvals.services). Raising an exception rolls the hire back.
    """
    from itou.approvals.services import approval_issue_for_hire

    approval_issue_for_hire(job_application)


def on_hire_cancelled(job_application: JobApplication) -> None:
    """Called by `job_application_cancel` inside its transaction, once the hire is cancelled.

    Withdraws a PASS IAE whose only hire this was (itou.approvals.services).
    """
    from itou.approvals.services import approval_hire_cancelled

    approval_hire_cancelled(job_application)


def on_hiring_start_moved(job_application: JobApplication) -> None:
    """Called by `job_application_update_hiring_start` inside its transaction: a PASS IAE
    that has not started follows its contract (itou.approvals.services)."""
    from itou.approvals.services import approval_follow_hiring_start

    approval_follow_hiring_start(job_application)


def employee_record_was_sent(job_application: JobApplication) -> bool:
    """Whether an employee record ("fiche salarié") of this hire was sent to the ASP: such a
    hire cannot be cancelled. Always False until employee records exist."""
    return False


# --- Internals ---------------------------------------------------------------------------


def _lock(job_application: JobApplication) -> JobApplication:
    """The application's row, locked until the end of the transaction, freshly read."""
    return (
        JobApplication.objects.select_for_update(no_key=True, of=("self",))
        .select_related("to_company", "job_seeker", "sender")
        .get(pk=job_application.pk)
    )


def _check_member(acting_user, job_application: JobApplication) -> None:
    if not perms.can_process(acting_user, job_application):
        raise PermissionDenied("Vous n'êtes pas membre de la structure destinataire de cette candidature.")


def _check_expected_state(job_application: JobApplication, expected_state: str | None) -> None:
    if expected_state is not None and job_application.state != expected_state:
        raise TransitionNotAllowed(f"state is {job_application.state}, the page showed {expected_state}")


def _fire(
    job_application: JobApplication,
    name: str,
    *,
    acting_user,
    actor: str = Actor.EMPLOYER,
    details: dict | None = None,
    expected_state: str | None = None,
    now: datetime.datetime | None = None,
) -> JobApplicationTransitionLog:
    """Move the (locked) application through the transition `name` and log it; the caller
    sets the fields the transition carries, then saves."""
    _check_expected_state(job_application, expected_state)
    transition = check_transition(
        name, job_application.state, actor=actor, is_geiq=job_application.to_company.kind == CompanyKind.GEIQ
    )
    now = now or timezone.now()
    from_state = job_application.state
    job_application.state = transition.target
    job_application.processed_at = now
    # A decision brings an archived application back into the inbox.
    job_application.archived_at = None
    job_application.archived_by = None
    return JobApplicationTransitionLog(
        job_application=job_application,
        transition=name,
        from_state=from_state,
        to_state=transition.target,
        user=acting_user,
        details=details or {},
        timestamp=now,
    )


def _save_and_log(job_application: JobApplication, log: JobApplicationTransitionLog) -> None:
    job_application.save()
    log.save()


def _notify_decision_on_commit(job_application: JobApplication, transition: str, details: dict) -> None:
    transaction.on_commit(
        functools.partial(
            notifications.job_application_notify_decision, job_application, transition=transition, details=details
        )
    )


def _clean_text(value) -> str:
    return (value or "").strip()


def hiring_dates_errors(
    hiring_start_at: datetime.date | None, hiring_end_at: datetime.date | None, *, today: datetime.date
) -> dict[str, list[str]]:
    """The rules on contract dates (docs/candidatures.md), as form errors.

    The start: today at the earliest (a hire that already started is declared by staff,
    not by the employer's form), today + MAX_HIRING_START_POSTPONEMENT_DAYS at the latest
    ("the start can be postponed by at most 30 days", DOMAIN.md). The end, optional, not
    before the start.
    """
    errors = {}
    if hiring_start_at is None:
        errors["hiring_start_at"] = ["Indiquez la date de début du contrat."]
    else:
        latest = today + datetime.timedelta(days=MAX_HIRING_START_POSTPONEMENT_DAYS)
        if hiring_start_at < today:
            errors["hiring_start_at"] = [
                "La date de début du contrat ne peut pas être dans le passé : choisissez aujourd'hui ou une date "
                "à venir. Pour une embauche déjà commencée, contactez le support."
            ]
        elif hiring_start_at > latest:
            errors["hiring_start_at"] = [
                f"Le début du contrat ne peut pas être reporté de plus de {MAX_HIRING_START_POSTPONEMENT_DAYS} "
                f"jours : choisissez une date au plus tard le {latest:%d/%m/%Y}."
            ]
        if hiring_end_at is not None and hiring_end_at < hiring_start_at:
            errors["hiring_end_at"] = ["La date de fin du contrat ne peut pas précéder sa date de début."]
    return errors


# --- Employer decisions ------------------------------------------------------------------


@transaction.atomic
def job_application_process(*, acting_user, job_application, expected_state=None) -> JobApplication:
    """Study the application ("mettre à l'étude")."""
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    log = _fire(job_application, "process", acting_user=acting_user, expected_state=expected_state)
    _save_and_log(job_application, log)
    _notify_decision_on_commit(job_application, "process", log.details)
    return job_application


@transaction.atomic
def job_application_postpone(*, acting_user, job_application, comment: str, expected_state=None) -> JobApplication:
    """Put the application on hold; the comment (required) tells the job seeker and the
    prescriber why."""
    comment = _clean_text(comment)
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if not comment:
        raise ValidationError({"comment": "Expliquez pourquoi la candidature est mise en attente."})
    log = _fire(
        job_application,
        "postpone",
        acting_user=acting_user,
        details={"comment": comment},
        expected_state=expected_state,
    )
    job_application.answer = comment
    _save_and_log(job_application, log)
    _notify_decision_on_commit(job_application, "postpone", log.details)
    return job_application


@transaction.atomic
def job_application_add_to_pool(*, acting_user, job_application, expected_state=None) -> JobApplication:
    """Keep the job seeker for a later position ("vivier")."""
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    log = _fire(job_application, "add_to_pool", acting_user=acting_user, expected_state=expected_state)
    _save_and_log(job_application, log)
    _notify_decision_on_commit(job_application, "add_to_pool", log.details)
    return job_application


@transaction.atomic
def job_application_move_to_prior_to_hire(
    *, acting_user, job_application, prior_action_kind: str, expected_state=None
) -> JobApplication:
    """A GEIQ records an action before hiring (PMSMP, POE, AFPR…): GEIQ only."""
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if prior_action_kind not in PriorActionKind.values:
        raise ValidationError({"prior_action_kind": "Choisissez l'action préalable à l'embauche."})
    log = _fire(
        job_application,
        "move_to_prior_to_hire",
        acting_user=acting_user,
        details={"prior_action_kind": prior_action_kind},
        expected_state=expected_state,
    )
    job_application.prior_action_kind = prior_action_kind
    _save_and_log(job_application, log)
    _notify_decision_on_commit(job_application, "move_to_prior_to_hire", log.details)
    return job_application


def _render_other_applications_obsolete(job_application: JobApplication, *, now) -> list[JobApplication]:
    """The job seeker's other applications still waiting (render_obsolete's sources) become
    "embauché ailleurs", by the platform, each logged. The caller holds the job seeker's lock."""
    sources = TRANSITIONS["render_obsolete"].sources
    others = list(
        JobApplication.objects.select_for_update(no_key=True, of=("self",))
        .select_related("to_company")
        .filter(job_seeker_id=job_application.job_seeker_id, state__in=sources)
        .exclude(pk=job_application.pk)
        .order_by("pk")
    )
    logs = []
    for other in others:
        logs.append(
            _fire(
                other,
                "render_obsolete",
                acting_user=None,
                actor=Actor.SYSTEM,
                details={"accepted_job_application": str(job_application.pk)},
                now=now,
            )
        )
        other.save(update_fields=["state", "processed_at", "archived_at", "archived_by", "updated_at"])
    JobApplicationTransitionLog.objects.bulk_create(logs)
    return others


@transaction.atomic
def job_application_accept(
    *,
    acting_user,
    job_application,
    hiring_start_at: datetime.date | None,
    hiring_end_at: datetime.date | None = None,
    answer: str = "",
    expected_state=None,
) -> JobApplication:
    """Hire the job seeker: contract dates (rules in `hiring_dates_errors`), the job seeker's
    other pending applications made obsolete, then `on_hire`.

    Locks the job seeker's row first (then the application): two employers hiring the same
    person at the same instant are served one after the other, and the second sees the
    first one's effects (its application obsolete, so a page showing it pending is stale).
    """
    answer = _clean_text(answer)
    today = timezone.localdate()
    User.objects.select_for_update(no_key=True).only("pk").get(pk=job_application.job_seeker_id)
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if errors := hiring_dates_errors(hiring_start_at, hiring_end_at, today=today):
        raise ValidationError(errors)
    now = timezone.now()
    details = {"hiring_start_at": hiring_start_at.isoformat()}
    if hiring_end_at:
        details["hiring_end_at"] = hiring_end_at.isoformat()
    if answer:
        details["answer"] = answer
    log = _fire(
        job_application, "accept", acting_user=acting_user, details=details, expected_state=expected_state, now=now
    )
    # Eligibility: the one answer of itou/eligibility/hiring.py (also asked by the accept
    # screen and the PASS IAE service). Raising here rolls everything back.
    from itou.eligibility.hiring import hire_eligibility_for_application

    eligibility = hire_eligibility_for_application(job_application, hiring_start_at=hiring_start_at, at=now)
    if not eligibility.allowed:
        raise ValidationError(eligibility.error)
    if eligibility.geiq:
        job_application.geiq_eligibility_diagnosis = eligibility.diagnosis
    elif job_application.to_company.kind in SIAE_KINDS:
        job_application.eligibility_diagnosis = eligibility.diagnosis
    job_application.hiring_start_at = hiring_start_at
    job_application.hiring_end_at = hiring_end_at
    if answer:
        job_application.answer = answer
    # A hire clears an earlier refusal (accept is allowed from refused).
    job_application.refusal_reason = ""
    job_application.refusal_reason_shared_with_job_seeker = False
    _save_and_log(job_application, log)
    _render_other_applications_obsolete(job_application, now=now)
    on_hire(job_application)
    _notify_decision_on_commit(job_application, "accept", log.details)
    return job_application


@transaction.atomic
def job_application_update_hiring_start(
    *,
    acting_user,
    job_application,
    hiring_start_at: datetime.date | None,
    hiring_end_at: datetime.date | None,
) -> JobApplication:
    """Move the contract dates of a hire that has not started yet (start after today); a PASS IAE
    that has not started moves with it (`on_hiring_start_moved`).

    The new start follows the same rules as at acceptance (`hiring_dates_errors`, counted
    from today) and moves by at most MAX_HIRING_START_POSTPONEMENT_DAYS from the current
    start. `hiring_end_at` replaces the end date (None: no end date).
    """
    today = timezone.localdate()
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if job_application.state != JobApplicationState.ACCEPTED:
        raise TransitionNotAllowed(UPDATE_HIRING_START)
    current_start = job_application.hiring_start_at
    if current_start <= today:
        raise ValidationError(
            {"hiring_start_at": "Le contrat a déjà commencé : sa date de début ne peut plus être modifiée."}
        )
    errors = hiring_dates_errors(hiring_start_at, hiring_end_at, today=today)
    if not errors and abs((hiring_start_at - current_start).days) > MAX_HIRING_START_POSTPONEMENT_DAYS:
        errors["hiring_start_at"] = [
            f"La date de début ne peut être déplacée que de {MAX_HIRING_START_POSTPONEMENT_DAYS} jours au plus "
            f"(elle est aujourd'hui au {current_start:%d/%m/%Y})."
        ]
    if errors:
        raise ValidationError(errors)
    if hiring_start_at == current_start and hiring_end_at == job_application.hiring_end_at:
        return job_application
    details = {
        "previous_hiring_start_at": current_start.isoformat(),
        "hiring_start_at": hiring_start_at.isoformat(),
        "previous_hiring_end_at": job_application.hiring_end_at.isoformat() if job_application.hiring_end_at else None,
        "hiring_end_at": hiring_end_at.isoformat() if hiring_end_at else None,
    }
    job_application.hiring_start_at = hiring_start_at
    job_application.hiring_end_at = hiring_end_at
    job_application.save()
    on_hiring_start_moved(job_application)
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition=UPDATE_HIRING_START,
        from_state=job_application.state,
        to_state=job_application.state,
        user=acting_user,
        details=details,
    )
    _notify_decision_on_commit(job_application, "update_hiring_start", details)
    return job_application


@transaction.atomic
def job_application_refuse(
    *,
    acting_user,
    job_application,
    refusal_reason: str,
    share_reason_with_job_seeker: bool,
    answer: str = "",
    answer_to_prescriber: str = "",
    expected_state=None,
) -> JobApplication:
    """Decline the application with a reason (required, one of RefusalReason.employer_choices()).

    The employer decides whether the reason is shared with the job seeker; `answer` goes to
    the job seeker (and the prescriber), `answer_to_prescriber` to the prescriber only.
    """
    answer, answer_to_prescriber = _clean_text(answer), _clean_text(answer_to_prescriber)
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if refusal_reason not in {value for value, _label in RefusalReason.employer_choices()}:
        raise ValidationError({"refusal_reason": "Choisissez le motif du refus."})
    details = {
        "refusal_reason": refusal_reason,
        "refusal_reason_shared_with_job_seeker": bool(share_reason_with_job_seeker),
    }
    if answer:
        details["answer"] = answer
    if answer_to_prescriber:
        details["answer_to_prescriber"] = answer_to_prescriber
    log = _fire(job_application, "refuse", acting_user=acting_user, details=details, expected_state=expected_state)
    job_application.refusal_reason = refusal_reason
    job_application.refusal_reason_shared_with_job_seeker = bool(share_reason_with_job_seeker)
    job_application.answer = answer
    job_application.answer_to_prescriber = answer_to_prescriber
    _save_and_log(job_application, log)
    _notify_decision_on_commit(job_application, "refuse", log.details)
    return job_application


@transaction.atomic
def job_application_cancel(*, acting_user, job_application, expected_state=None) -> JobApplication:
    """Cancel a hire, unless its employee record was already sent to the ASP."""
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    _check_expected_state(job_application, expected_state)
    if job_application.state == JobApplicationState.ACCEPTED and employee_record_was_sent(job_application):
        raise ValidationError(
            "La fiche salarié de cette embauche a déjà été transmise à l'ASP : l'embauche ne peut plus être "
            "annulée. Contactez le support."
        )
    log = _fire(job_application, "cancel", acting_user=acting_user, expected_state=expected_state)
    _save_and_log(job_application, log)
    on_hire_cancelled(job_application)
    _notify_decision_on_commit(job_application, "cancel", log.details)
    return job_application


@transaction.atomic
def job_application_transfer(*, acting_user, job_application, to_company, expected_state=None) -> JobApplication:
    """Send the application, as a new one, to another employer of which the acting user is
    also an active member. Its selected job descriptions (the first employer's) are dropped:
    it arrives as a spontaneous application; the internal comments stay with the first
    employer. The new employer's members, the job seeker and the prescriber are told."""
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if (
        to_company.pk == job_application.to_company_id
        or to_company.kind == CompanyKind.OPCS
        or not perms.can_transfer_to(acting_user, to_company)
    ):
        raise ValidationError({"to_company": "Choisissez une autre structure qui recrute et dont vous êtes membre."})
    from_company = job_application.to_company
    selected_jobs = list(job_application.selected_jobs.select_related("appellation"))
    details = {
        "from_company_id": from_company.pk,
        "from_company": from_company.display_name,
        "to_company_id": to_company.pk,
        "to_company": to_company.display_name,
    }
    if selected_jobs:
        details["selected_jobs"] = [job.display_name for job in selected_jobs]
    log = _fire(job_application, "transfer", acting_user=acting_user, details=details, expected_state=expected_state)
    job_application.to_company = to_company
    job_application.transferred_from = from_company
    job_application.transferred_at = log.timestamp
    job_application.transferred_by = acting_user
    job_application.refusal_reason = ""
    job_application.refusal_reason_shared_with_job_seeker = False
    job_application.answer = ""
    job_application.answer_to_prescriber = ""
    job_application.hiring_start_at = None
    job_application.hiring_end_at = None
    job_application.prior_action_kind = ""
    job_application.idle_reminder_sent_at = None
    _save_and_log(job_application, log)
    job_application.selected_jobs.clear()
    transaction.on_commit(
        functools.partial(
            notifications.job_application_notify_transfer,
            job_application,
            from_company=from_company,
            acting_user=acting_user,
        )
    )
    return job_application


@transaction.atomic
def job_application_archive(*, acting_user, job_application) -> JobApplication:
    """Hide a closed application (refused, cancelled, obsolete) from the inbox."""
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if job_application.state not in ARCHIVABLE_STATES or job_application.archived_at is not None:
        raise TransitionNotAllowed(ARCHIVE)
    job_application.archived_at = timezone.now()
    job_application.archived_by = acting_user
    job_application.save()
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition=ARCHIVE,
        from_state=job_application.state,
        to_state=job_application.state,
        user=acting_user,
        timestamp=job_application.archived_at,
    )
    return job_application


@transaction.atomic
def job_application_unarchive(*, acting_user, job_application) -> JobApplication:
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if job_application.archived_at is None:
        raise TransitionNotAllowed(UNARCHIVE)
    job_application.archived_at = None
    job_application.archived_by = None
    job_application.save()
    JobApplicationTransitionLog.objects.create(
        job_application=job_application,
        transition=UNARCHIVE,
        from_state=job_application.state,
        to_state=job_application.state,
        user=acting_user,
    )
    return job_application


@transaction.atomic
def job_application_add_comment(*, acting_user, job_application, message: str) -> JobApplicationComment:
    """An internal note, read only by the receiving employer's members (not in the
    transition log, which everyone involved reads)."""
    message = _clean_text(message)
    job_application = _lock(job_application)
    _check_member(acting_user, job_application)
    if not message:
        raise ValidationError({"message": "Écrivez votre commentaire."})
    return JobApplicationComment.objects.create(
        job_application=job_application, company=job_application.to_company, author=acting_user, message=message
    )


# --- The platform's own transitions (daily jobs) ----------------------------------------


@transaction.atomic
def job_application_refuse_automatically(*, job_application, now=None) -> JobApplication | None:
    """Decline, as the platform, an application idle for AUTO_REFUSE_AFTER (reason "auto",
    shared with the job seeker, who is told). Returns None when it is no longer idle (it
    moved since it was selected) or is being processed right now (row locked)."""
    now = now or timezone.now()
    job_application = (
        JobApplication.objects.select_for_update(no_key=True, of=("self",), skip_locked=True)
        .select_related("to_company", "job_seeker", "sender")
        .filter(pk=job_application.pk, state__in=IDLE_STATES, updated_at__lte=now - AUTO_REFUSE_AFTER)
        .first()
    )
    if job_application is None:
        return None
    details = {"refusal_reason": RefusalReason.AUTO.value, "refusal_reason_shared_with_job_seeker": True, "auto": True}
    log = _fire(job_application, "refuse", acting_user=None, actor=Actor.SYSTEM, details=details, now=now)
    job_application.refusal_reason = RefusalReason.AUTO
    job_application.refusal_reason_shared_with_job_seeker = True
    _save_and_log(job_application, log)
    _notify_decision_on_commit(job_application, "refuse", log.details)
    return job_application


# --- A member's own settings ---------------------------------------------------------------

NOT_A_COMPANY_JOB_DESCRIPTION = (
    "Une des fiches de poste cochées n'appartient pas à votre structure : rien n'a été enregistré."
)


@transaction.atomic
def notification_settings_update(
    *, acting_user, membership, notified_job_description_ids, spontaneous: bool
) -> list[NewApplicationNotificationOptOut]:
    """Which new applications `membership`'s user is told of by email: those for the job
    descriptions of `notified_job_description_ids` (any other job description of the
    employer is opted out of) and, if `spontaneous`, spontaneous ones.

    Only the member may change their own settings (PermissionDenied otherwise). A job
    description of another employer raises ValidationError and nothing is saved. The
    membership row is locked so that two saves (two tabs) are served one after the other.
    Returns the member's opt-outs after the change.
    """
    membership = (
        CompanyMembership.objects.select_for_update(no_key=True)
        .filter(pk=membership.pk, user=acting_user, is_active=True)
        .first()
    )
    if membership is None:
        raise PermissionDenied("Vous ne pouvez modifier que vos propres préférences d'e-mails.")
    company_job_ids = set(JobDescription.objects.filter(company_id=membership.company_id).values_list("pk", flat=True))
    notified = set(notified_job_description_ids)
    if not notified <= company_job_ids:
        raise ValidationError({"job_descriptions": NOT_A_COMPANY_JOB_DESCRIPTION})
    wanted = {job_id for job_id in company_job_ids if job_id not in notified}  # None: spontaneous applications
    if not spontaneous:
        wanted.add(None)
    existing = {opt_out.job_description_id: opt_out for opt_out in membership.new_application_opt_outs.all()}
    stale = [opt_out.pk for job_id, opt_out in existing.items() if job_id not in wanted]
    if stale:
        NewApplicationNotificationOptOut.objects.filter(pk__in=stale).delete()
    created = NewApplicationNotificationOptOut.objects.bulk_create(
        NewApplicationNotificationOptOut(membership=membership, job_description_id=job_id)
        for job_id in sorted(wanted - existing.keys(), key=lambda job_id: job_id or 0)
    )
    return [opt_out for job_id, opt_out in existing.items() if job_id in wanted] + created
