"""What changes the control: each service checks the state machine (workflow.py), changes
the rows in a transaction, logs the transition and queues its emails."""

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from itou.control import notifications, workflow
from itou.control.enums import (
    PROOF_MAX_SIZE,
    RATIO_MAX,
    RATIO_MIN,
    CriterionState,
    SanctionKind,
    SiaeState,
)
from itou.control.models import Campaign, ControlledCriterion, ControlledHire, ControlledSiae, ControlLog, Sanction
from itou.eligibility.rules import validate_criteria
from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution
from itou.utils.private_files import delete_stored, storing
from itou.utils.state_machine import TransitionNotAllowed


def log(campaign_id, kind, obj_id, transition, from_state="", to_state="", *, user=None, **details):
    return ControlLog.objects.create(
        campaign_id=campaign_id,
        object_kind=kind,
        object_id=obj_id,
        transition=transition,
        from_state=from_state or "",
        to_state=to_state or "",
        user=user if user and user.is_authenticated else None,
        details=details,
    )


def campaign_name(period_start, period_end) -> str:
    return f"contrôle pour la période du {period_start:%d/%m/%Y} au {period_end:%d/%m/%Y}"


# --------------------------------------------------------------------------------------
# Campaigns (staff)
# --------------------------------------------------------------------------------------


@transaction.atomic
def create_campaigns(
    *, period_start, period_end, ratio_deadline, submission_deadline, adversarial_deadline, sanctions_deadline, user
) -> list[Campaign]:
    """One campaign per DDETS IAE for this period (those that already have one are left alone)."""
    if period_end < period_start:
        raise ValidationError("La fin de la période doit être après son début.")
    if not (ratio_deadline < submission_deadline < adversarial_deadline < sanctions_deadline):
        raise ValidationError(
            "Les dates du calendrier doivent se suivre : échantillonnage, amiable, contradictoire, sanctions."
        )
    created = []
    for institution in Institution.objects.filter(kind=InstitutionKind.DDETS_IAE).order_by("pk"):
        campaign, is_new = Campaign.objects.get_or_create(
            institution=institution,
            period_start=period_start,
            period_end=period_end,
            defaults={
                "name": campaign_name(period_start, period_end),
                "ratio_deadline": ratio_deadline,
                "submission_deadline": submission_deadline,
                "adversarial_deadline": adversarial_deadline,
                "sanctions_deadline": sanctions_deadline,
            },
        )
        if is_new:
            log(campaign.pk, "campaign", campaign.pk, "create", "", campaign.phase, user=user)
            transaction.on_commit(lambda c=campaign: notifications.campaign_created(c))
            created.append(campaign)
    return created


@transaction.atomic
def set_ratio(campaign: Campaign, ratio: int, *, user) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    workflow.CAMPAIGN.check("set_ratio", campaign)
    if not (RATIO_MIN <= ratio <= RATIO_MAX):
        raise ValidationError(f"Le pourcentage de sélection doit être compris entre {RATIO_MIN} et {RATIO_MAX} %.")
    previous = campaign.ratio
    campaign.ratio, campaign.ratio_set_at = ratio, timezone.now()
    campaign.save(update_fields=["ratio", "ratio_set_at"])
    log(
        campaign.pk,
        "campaign",
        campaign.pk,
        "set_ratio",
        campaign.phase,
        campaign.phase,
        user=user,
        ratio=ratio,
        previous=previous,
    )
    return campaign


def _load_siaes(campaign):
    from itou.control.queries import with_states

    return list(with_states(ControlledSiae.objects.filter(campaign=campaign)).order_by("pk"))


def _move(campaign, name, *, user):
    transition = workflow.CAMPAIGN.check(name, campaign)
    previous = campaign.phase
    campaign.phase = transition.target
    log(campaign.pk, "campaign", campaign.pk, name, previous, campaign.phase, user=user)


@transaction.atomic
def freeze(campaign: Campaign, *, user) -> Campaign:
    """ "Bloquer les soumissions des SIAEs": the DDETS reviews what was sent."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _move(campaign, "freeze", user=user)
    now = timezone.now()
    campaign.frozen_at = now
    campaign.last_ddets_reminder_at = now
    campaign.save(update_fields=["phase", "frozen_at", "last_ddets_reminder_at"])
    ControlledSiae.objects.filter(campaign=campaign, submission_frozen_at__isnull=True).update(submission_frozen_at=now)
    if any(workflow.siae_state(s) == SiaeState.SUBMITTED for s in _load_siaes(campaign)):
        transaction.on_commit(lambda: notifications.ddets_review_before_close(campaign))
    return campaign


@transaction.atomic
def start_adversarial(campaign: Campaign, *, user) -> Campaign:
    """CONTROL.md §8, "transition to adversarial phase": results for every SIAE, freezes lifted."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _move(campaign, "start_adversarial", user=user)
    now = timezone.now()
    campaign.adversarial_at = now
    campaign.save(update_fields=["phase", "adversarial_at"])
    forced, defaulted = [], []
    for siae in _load_siaes(campaign):
        computed = workflow.siae_computed_state(siae)
        outcome = None
        if siae.reviewed_at:
            outcome = "accepted" if siae.final_reviewed_at else "adversarial"
        elif computed in (SiaeState.PENDING, SiaeState.SUBMITTABLE):
            siae.reviewed_at = now
            outcome = "forced_adversarial"
            forced.append(siae)
        elif computed == SiaeState.SUBMITTED:
            siae.reviewed_at = siae.final_reviewed_at = now
            outcome = "force_accepted"
            defaulted.append(siae)
        else:  # reviewed criterion by criterion but not validated: validated now
            siae.reviewed_at = now
            if computed == SiaeState.ACCEPTED:
                siae.final_reviewed_at = now
                outcome = "accepted"
            else:
                outcome = "adversarial"
        siae.submission_frozen_at = None
        siae.save(update_fields=["reviewed_at", "final_reviewed_at", "submission_frozen_at"])
        log(
            campaign.pk,
            "siae",
            siae.pk,
            "start_adversarial",
            computed,
            workflow.siae_state(siae),
            user=user,
            outcome=outcome,
        )
        transaction.on_commit(lambda s=siae, o=outcome: notifications.siae_result(s, outcome=o))
    if forced or defaulted:
        transaction.on_commit(lambda: notifications.ddets_adversarial(campaign, forced=forced, defaulted=defaulted))
    return campaign


@transaction.atomic
def close(campaign: Campaign, *, user) -> Campaign:
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    _move(campaign, "close", user=user)
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["phase", "closed_at"])
    refused = []
    for siae in _load_siaes(campaign):
        siae.campaign = campaign  # closed now: states become final
        state = workflow.siae_state(siae)
        never_sent = not any(c.submitted_at for h in siae.hires.all() for c in h.criteria.all())
        siae.final_state = state
        siae.submission_frozen_at = siae.submission_frozen_at or campaign.closed_at
        siae.save(update_fields=["final_state", "submission_frozen_at"])
        log(campaign.pk, "siae", siae.pk, "close", "", state, user=user)
        if state == SiaeState.REFUSED:
            refused.append(siae)
            outcome = "no_response" if never_sent else "refused"
        else:
            outcome = "accepted"
        if siae.final_reviewed_at is None or outcome != "accepted":
            transaction.on_commit(lambda s=siae, o=outcome: notifications.siae_result(s, outcome=o))
    if refused:
        transaction.on_commit(lambda: notifications.ddets_sanctions_to_notify(campaign, refused))
    return campaign


@transaction.atomic
def archive(campaign: Campaign, *, now=None, user=None) -> int:
    """CONTROL.md §8, 60 days after closing: the SIAE accepted for good are archived (the
    number of controlled hires is kept; hires, criteria and proof files are deleted); the
    refused ones keep everything (sanctions, appeals). The campaign becomes read-only and
    is listed apart. Returns the number of SIAE archived."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    transition = workflow.CAMPAIGN.check("archive", campaign, now=now)
    previous, campaign.phase, campaign.archived_at = campaign.phase, transition.target, now
    campaign.save(update_fields=["phase", "archived_at"])
    log(campaign.pk, "campaign", campaign.pk, "archive", previous, campaign.phase, user=user)
    siaes = ControlledSiae.objects.filter(campaign=campaign, final_state=SiaeState.ACCEPTED, archived_at__isnull=True)
    proofs = ControlledCriterion.objects.filter(hire__controlled_siae__in=siaes).exclude(proof="")
    names = list(proofs.values_list("proof", flat=True))
    ControlledHire.objects.filter(controlled_siae__in=siaes).delete()
    archived = siaes.update(archived_at=now)
    for name in names:  # after the rows: a failure leaves the files, never a row without its file
        transaction.on_commit(lambda n=name: delete_stored(n))
    log(campaign.pk, "campaign", campaign.pk, "archive_siaes", user=user, archived=archived, proofs=len(names))
    return archived


CAMPAIGN_MOVES = {"freeze": freeze, "start_adversarial": start_adversarial, "close": close}


# --------------------------------------------------------------------------------------
# SIAE side
# --------------------------------------------------------------------------------------

PROOF_MESSAGES = {
    "too_big": f"Ce fichier est trop lourd : le justificatif ne doit pas dépasser {PROOF_MAX_SIZE // (1024 * 1024)} Mo.",
    "empty": "Ce fichier est vide : joignez le justificatif au format PDF.",
    "not_pdf": "Ce fichier n'est pas un PDF. Enregistrez le justificatif au format PDF (« Imprimer en PDF » ou "
    "scanner en PDF), puis déposez-le.",
    "damaged_pdf": "Ce PDF semble abîmé ou incomplet : ouvrez-le pour vérifier, enregistrez-le à nouveau en PDF, "
    "puis déposez-le.",
}


def check_proof(file) -> None:
    """The CV checks (PDF by its content, ≤ 5 MB), with messages about a proof."""
    from itou.job_applications.apply import resume_check

    try:
        resume_check(file)
    except ValidationError as error:
        raise ValidationError(PROOF_MESSAGES.get(error.code, error.messages[0]), code=error.code) from None


def _locked_siae(siae_id):
    return ControlledSiae.objects.select_for_update(of=("self",)).select_related("campaign", "company").get(pk=siae_id)


@transaction.atomic
def select_criteria(hire: ControlledHire, criteria, *, user) -> ControlledHire:
    siae = _locked_siae(hire.controlled_siae_id)
    hire = ControlledHire.objects.prefetch_related("criteria").get(pk=hire.pk)
    hire.controlled_siae = siae
    workflow.HIRE.check("select_criteria", hire)
    diagnosis = hire.job_application.eligibility_diagnosis
    allowed = set(diagnosis.administrative_criteria.values_list("pk", flat=True)) if diagnosis else set()
    criteria = list(criteria)
    if not criteria:
        raise ValidationError("Cochez au moins un critère à justifier.")
    if any(c.pk not in allowed for c in criteria):
        raise ValidationError("Choisissez parmi les critères du diagnostic d'éligibilité de cette embauche.")
    existing = {c.administrative_criteria_id: c for c in hire.criteria.all()}
    # Criteria certified by the State stay, and count for the rules (CONTROL.md §3).
    certified = [c.administrative_criteria for c in existing.values() if c.certified]
    together = criteria + [c for c in certified if c.pk not in {x.pk for x in criteria}]
    errors = validate_criteria(author_kind="employer", company_kind=siae.company.kind, criteria=together)
    if errors:
        raise ValidationError(errors)
    wanted = {c.pk for c in criteria}
    for pk, criterion in existing.items():
        if pk not in wanted and not criterion.certified:
            if criterion.proof:
                transaction.on_commit(lambda name=criterion.proof.name: delete_stored(name))
            criterion.delete()
    ControlledCriterion.objects.bulk_create(
        [ControlledCriterion(hire=hire, administrative_criteria_id=pk) for pk in wanted - set(existing)]
    )
    log(siae.campaign_id, "hire", hire.pk, "select_criteria", user=user, criteria=sorted(wanted))
    return hire


@transaction.atomic
def upload_proof(criterion_id: int, file, *, company, user) -> ControlledCriterion:
    """`criterion_id` must belong to `company` (else DoesNotExist: not one of its items)."""
    siae_id = (
        ControlledCriterion.objects.filter(pk=criterion_id, hire__controlled_siae__company=company)
        .values_list("hire__controlled_siae_id", flat=True)
        .get()
    )
    siae = _locked_siae(siae_id)  # against a submission at the same time
    criterion = ControlledCriterion.objects.select_for_update(of=("self",)).select_related("hire").get(pk=criterion_id)
    criterion.hire.controlled_siae = siae
    workflow.CRITERION.check("upload", criterion)
    check_proof(file)
    previous = criterion.review_state
    replaced = criterion.proof.name
    criterion.uploaded_at = timezone.now()
    criterion.submitted_at = None
    criterion.review_state = CriterionState.PENDING
    # The new object first; the old one goes only once the new row is committed.
    with storing(criterion.proof, "justificatif.pdf", file):
        criterion.save()
    if replaced:
        transaction.on_commit(lambda: delete_stored(replaced))
    log(
        criterion.hire.controlled_siae.campaign_id,
        "criterion",
        criterion.pk,
        "upload",
        previous,
        criterion.review_state,
        user=user,
    )
    return criterion


@transaction.atomic
def submit(siae: ControlledSiae, *, user) -> ControlledSiae:
    from itou.control.queries import with_states

    _locked_siae(siae.pk)
    siae = with_states(ControlledSiae.objects.filter(pk=siae.pk)).get()
    previous = workflow.siae_state(siae)
    workflow.SIAE.check("submit", siae)
    now = timezone.now()
    ControlledCriterion.objects.filter(
        hire__controlled_siae=siae, submitted_at__isnull=True, review_state=CriterionState.PENDING
    ).exclude(proof="").update(submitted_at=now)
    siae.submitted_at = siae.submission_frozen_at = now
    siae.save(update_fields=["submitted_at", "submission_frozen_at"])
    log(siae.campaign_id, "siae", siae.pk, "submit", previous, SiaeState.SUBMITTED, user=user)
    transaction.on_commit(lambda: notifications.siae_submitted(siae))
    return siae


# --------------------------------------------------------------------------------------
# DDETS side
# --------------------------------------------------------------------------------------

CONCURRENT_REVIEW_MESSAGE = (
    "Un autre agent est en train de contrôler ce justificatif. Rechargez la page dans un instant pour voir sa décision."
)
STALE_REVIEW_MESSAGE = "Ce justificatif a été contrôlé entre-temps par un autre agent : voici sa décision."


class ReviewConflict(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@transaction.atomic
def review_criterion(
    criterion_id: int, action: str, *, institution, user, expected_state: str, comment: str = ""
) -> ControlledCriterion:
    """accept / refuse / reset one proof. The row is locked without waiting: of two agents
    at once, the first wins, the second gets ReviewConflict (a French message). A decision
    taken on a page older than the last review is refused the same way (expected_state)."""
    try:
        criterion = (
            ControlledCriterion.objects.select_for_update(nowait=True, of=("self",))
            .select_related("hire__controlled_siae__campaign")
            .get(pk=criterion_id, hire__controlled_siae__campaign__institution=institution)
        )
    except DatabaseError:
        raise ReviewConflict(CONCURRENT_REVIEW_MESSAGE) from None
    if criterion.review_state != expected_state:
        raise ReviewConflict(STALE_REVIEW_MESSAGE)
    if action == "refuse" and criterion.hire.controlled_siae.reviewed_at:
        action = "refuse_again"
    if action in ("refuse", "refuse_again") and not comment.strip():
        raise ValidationError("Expliquez à la structure le problème constaté sur ce justificatif.")
    transition = workflow.CRITERION.check(action, criterion)
    previous = criterion.review_state
    criterion.review_state = transition.target
    criterion.review_comment = comment.strip() if action != "accept" else ""
    criterion.reviewed_at = timezone.now() if transition.target != CriterionState.PENDING else None
    criterion.reviewed_by = user if criterion.reviewed_at else None
    criterion.save(update_fields=["review_state", "review_comment", "reviewed_at", "reviewed_by"])
    log(
        criterion.hire.controlled_siae.campaign_id,
        "criterion",
        criterion.pk,
        action,
        previous,
        criterion.review_state,
        user=user,
        comment=criterion.review_comment,
    )
    return criterion


@transaction.atomic
def comment_hire(hire_id: int, comment: str, *, institution, user):
    hire = ControlledHire.objects.select_for_update().get(
        pk=hire_id, controlled_siae__campaign__institution=institution
    )
    hire.review_comment = comment.strip()
    hire.save(update_fields=["review_comment"])
    log(hire.controlled_siae.campaign_id, "hire", hire.pk, "comment", user=user)
    return hire


@transaction.atomic
def validate_review(siae_id: int, *, institution, user) -> ControlledSiae:
    from itou.control.queries import with_states

    ControlledSiae.objects.select_for_update().get(pk=siae_id, campaign__institution=institution)
    siae = with_states(ControlledSiae.objects.filter(pk=siae_id)).get()
    state = workflow.siae_state(siae)
    now = timezone.now()
    if workflow.SIAE.can("validate_final_review", siae):
        siae.final_reviewed_at = now
        name = "validate_final_review"
    else:
        workflow.SIAE.check("validate_review", siae)
        siae.reviewed_at = now
        if state == SiaeState.ACCEPTED:
            siae.final_reviewed_at = now
        name = "validate_review"
    siae.save(update_fields=["reviewed_at", "final_reviewed_at"])
    log(siae.campaign_id, "siae", siae.pk, name, state, workflow.siae_state(siae), user=user)
    return siae


@transaction.atomic
def notify_sanction(
    siae_id: int,
    *,
    institution,
    user,
    reason,
    text,
    kinds,
    training_details="",
    suspension_start=None,
    suspension_end=None,
    subsidy_cuts=None,
    no_sanction_reason="",
):
    from itou.control.queries import with_states

    ControlledSiae.objects.select_for_update().get(pk=siae_id, campaign__institution=institution)
    siae = with_states(ControlledSiae.objects.filter(pk=siae_id)).get()
    workflow.SIAE.check("notify_sanction", siae)
    errors = sanction_errors(
        kinds, training_details, suspension_start, suspension_end, subsidy_cuts or {}, no_sanction_reason
    )
    if not text.strip():
        errors.insert(0, "Écrivez le commentaire destiné à la structure.")
    if errors:
        raise ValidationError(errors)
    sanction = Sanction.objects.create(
        controlled_siae=siae,
        kinds=sorted(kinds),
        training_details=training_details,
        suspension_start=suspension_start,
        suspension_end=suspension_end if SanctionKind.TEMPORARY_SUSPENSION in kinds else None,
        subsidy_cuts={str(k): v for k, v in (subsidy_cuts or {}).items() if v},
        no_sanction_reason=no_sanction_reason,
    )
    siae.notified_at = timezone.now()
    siae.notification_reason, siae.notification_text = reason, text.strip()
    siae.save(update_fields=["notified_at", "notification_reason", "notification_text"])
    log(
        siae.campaign_id,
        "siae",
        siae.pk,
        "notify_sanction",
        SiaeState.REFUSED,
        SiaeState.REFUSED,
        user=user,
        kinds=sorted(kinds),
    )
    # §7: an email for "no sanction" and "training only"; other sanctions go by post.
    if set(kinds) <= {SanctionKind.NO_SANCTIONS} or set(kinds) == {SanctionKind.TRAINING}:
        transaction.on_commit(lambda: notifications.sanction_decision(siae, sanction))
    return sanction


def sanction_errors(kinds, training_details, suspension_start, suspension_end, subsidy_cuts, no_sanction_reason):
    kinds = set(kinds)
    errors = []
    if not kinds:
        return ["Choisissez au moins une sanction, ou « Ne pas sanctionner »."]
    if SanctionKind.NO_SANCTIONS in kinds and len(kinds) > 1:
        errors.append("« Ne pas sanctionner » ne se combine avec aucune autre sanction.")
    if {SanctionKind.TEMPORARY_SUSPENSION, SanctionKind.PERMANENT_SUSPENSION} <= kinds:
        errors.append("Le retrait temporaire et le retrait définitif ne peuvent pas être choisis ensemble.")
    if SanctionKind.NO_SANCTIONS in kinds and not no_sanction_reason.strip():
        errors.append("Expliquez pourquoi vous ne sanctionnez pas.")
    if SanctionKind.TRAINING in kinds and not training_details.strip():
        errors.append("Précisez les modalités de la session de présentation.")
    if kinds & {SanctionKind.TEMPORARY_SUSPENSION, SanctionKind.PERMANENT_SUSPENSION} and not suspension_start:
        errors.append("Indiquez la date de début du retrait.")
    if SanctionKind.TEMPORARY_SUSPENSION in kinds:
        if not suspension_end:
            errors.append("Indiquez la date de fin du retrait temporaire.")
        elif suspension_start and suspension_end < suspension_start:
            errors.append("La fin du retrait doit être après son début.")
    if SanctionKind.SUBSIDY_CUT in kinds and not any(v and 1 <= v <= 100 for v in subsidy_cuts.values()):
        errors.append("Indiquez un pourcentage de suppression (de 1 à 100) pour au moins une embauche.")
    return errors


__all__ = ["TransitionNotAllowed"]
