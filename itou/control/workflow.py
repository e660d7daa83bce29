"""The state machines of the control, declared once (CONTROL.md §4–§6).

- campaign: stored phase, moved by staff (and by the draw);
- criterion: stored review state, moved by the SIAE (upload) and the DDETS (review);
- hire and SIAE: computed states (priority rules below), with the actions allowed on them.

Computed states read `hire.criteria.all()` / `siae.hires.all()`: prefetch them
(queries.with_states) so that lists stay at a constant number of queries.
"""

import datetime

from django.utils import timezone

from itou.control.enums import ARCHIVE_AFTER_DAYS
from itou.control.enums import CampaignPhase as P
from itou.control.enums import CriterionState as C
from itou.control.enums import HireState as H
from itou.control.enums import SiaeState as S
from itou.utils.state_machine import ObjectMachine, Transition

# --------------------------------------------------------------------------------------
# Computed states
# --------------------------------------------------------------------------------------

HIRE_PRIORITY = [H.PENDING, H.PROCESSING, H.UPLOADED, H.SUBMITTED, H.REFUSED_2, H.REFUSED, H.ACCEPTED]


def criterion_hire_state(criterion) -> str:
    """What one criterion says about its hire."""
    if criterion.certified or criterion.review_state == C.ACCEPTED and criterion.submitted_at:
        return H.ACCEPTED
    if not criterion.proof:
        return H.PROCESSING
    if not criterion.submitted_at:
        return H.UPLOADED
    return {
        C.PENDING: H.SUBMITTED,
        C.REFUSED: H.REFUSED,
        C.REFUSED_2: H.REFUSED_2,
        C.ACCEPTED: H.ACCEPTED,
    }[criterion.review_state]


def hire_state(hire) -> str:
    criteria = list(hire.criteria.all())
    if not criteria:
        return H.PENDING
    if not hire.fully_certified and all(c.certified for c in criteria):
        return H.PENDING  # certified criteria that are not enough: the SIAE chooses others
    states = {criterion_hire_state(c) for c in criteria}
    return next(state for state in HIRE_PRIORITY if state in states)


def siae_computed_state(siae) -> str:
    states = {hire_state(h) for h in siae.hires.all()}
    if not states:
        return S.ACCEPTED  # archived: only its count is kept
    if states & {H.PENDING, H.PROCESSING}:
        return S.PENDING
    if H.UPLOADED in states:
        return S.SUBMITTABLE
    if H.SUBMITTED in states:
        return S.SUBMITTED
    if states & {H.REFUSED, H.REFUSED_2}:
        return S.REFUSED
    return S.ACCEPTED


def evaluation_is_final(siae) -> bool:
    return bool(siae.final_reviewed_at) or siae.campaign.is_closed


def siae_state(siae) -> str:
    """The displayed state (CONTROL.md §4.3)."""
    if siae.final_state:
        return siae.final_state
    state = siae_computed_state(siae)
    final = evaluation_is_final(siae)
    if state in (S.PENDING, S.SUBMITTABLE) and final:
        return S.REFUSED
    if state == S.SUBMITTED and final:
        return S.ACCEPTED
    if state in (S.ACCEPTED, S.REFUSED) and siae.reviewed_at and not final:
        return S.ADVERSARIAL_STAGE
    return state


# --------------------------------------------------------------------------------------
# Guards: (obj, **context) -> French reason or None
# --------------------------------------------------------------------------------------


def _campaign_of_criterion(criterion):
    return criterion.hire.controlled_siae.campaign


def _submissions_open(obj, **context):
    siae = getattr(obj, "hire", None)
    siae = siae.controlled_siae if siae is not None else obj
    if not siae.campaign.submissions_open:
        return "La transmission des justificatifs est fermée pour cette phase de la campagne."
    if siae.is_frozen:
        return "Vos justificatifs ont été transmis : vous ne pouvez plus les modifier avant la phase suivante."
    deadline = siae.campaign.current_deadline
    if timezone.localdate() > deadline:
        return f"La date limite de transmission des justificatifs ({deadline:%d/%m/%Y}) est passée."
    return None


def _may_upload(obj, **context):
    if obj.certified:
        return "Ce critère est certifié par un système de l'État : aucun justificatif n'est demandé."
    siae = obj.hire.controlled_siae
    if obj.submitted_at and not (siae.reviewed_at and obj.review_state in (C.REFUSED, C.REFUSED_2)):
        return "Ce justificatif a déjà été transmis à la DDETS."
    return None


def _reviewable(obj, **context):
    if obj.certified:
        return "Ce critère est certifié par un système de l'État : il n'est pas contrôlé."
    if _campaign_of_criterion(obj).is_closed:
        return "La campagne est close."
    if not obj.submitted_at:
        return "Ce justificatif n'a pas encore été transmis par la structure."
    if obj.hire.controlled_siae.final_reviewed_at:
        return "Le contrôle de cette structure est déjà définitif."
    return None


def _not_reviewed_yet(obj, **context):
    return (
        "Le contrôle a déjà été validé une fois : refusez en phase contradictoire."
        if (obj.hire.controlled_siae.reviewed_at)
        else None
    )


def _reviewed_once(obj, **context):
    return None if obj.hire.controlled_siae.reviewed_at else "Le contrôle n'a pas encore été validé une fois."


CRITERION = ObjectMachine(
    [
        Transition(
            "upload",
            "Justificatif déposé",
            set(C),
            C.PENDING,
            blockers=(
                _submissions_open,
                _may_upload,
            ),
        ),
        Transition(
            "accept",
            "Justificatif validé",
            frozenset({C.PENDING, C.REFUSED, C.REFUSED_2}),
            C.ACCEPTED,
            blockers=(_reviewable,),
        ),
        Transition(
            "refuse",
            "Problème constaté",
            frozenset({C.PENDING, C.ACCEPTED}),
            C.REFUSED,
            blockers=(
                _reviewable,
                _not_reviewed_yet,
            ),
        ),
        Transition(
            "refuse_again",
            "Problème constaté (x2)",
            frozenset({C.PENDING, C.ACCEPTED, C.REFUSED}),
            C.REFUSED_2,
            blockers=(
                _reviewable,
                _reviewed_once,
            ),
        ),
        Transition(
            "reset",
            "Remis en attente",
            frozenset({C.ACCEPTED, C.REFUSED, C.REFUSED_2}),
            C.PENDING,
            blockers=(_reviewable,),
        ),
    ],
    state_of=lambda c: c.review_state,
)


def _hire_editable(obj, **context):
    return _submissions_open(obj.controlled_siae) or (
        "Le contrôle a déjà commencé : les critères ne peuvent plus être changés."
        if obj.controlled_siae.reviewed_at
        else None
    )


HIRE = ObjectMachine(
    [
        Transition(
            "select_criteria",
            "Critères choisis",
            frozenset({H.PENDING, H.PROCESSING, H.UPLOADED}),
            None,
            blockers=(_hire_editable,),
        ),
    ],
    state_of=hire_state,
)


def _campaign_reviewing(obj, **context):
    if obj.campaign.phase == P.SAMPLING:
        return "La campagne n'a pas commencé."
    if obj.campaign.is_closed:
        return "La campagne est close."
    return None


def _no_pending_refusal_from_first_review(obj, **context):
    for hire in obj.hires.all():
        for criterion in hire.criteria.all():
            if criterion.submitted_at and criterion.review_state == C.PENDING:
                return "Contrôlez chaque justificatif transmis avant de valider."
            if (
                criterion.review_state == C.REFUSED
                and criterion.reviewed_at
                and criterion.reviewed_at <= obj.reviewed_at
            ):
                return "Des justificatifs refusés lors de la phase amiable n'ont pas été contrôlés à nouveau."
    return None


def _not_notified(obj, **context):
    return "La décision a déjà été notifiée." if obj.notified_at else None


def _final(obj, **context):
    return None if evaluation_is_final(obj) else "Le contrôle de cette structure n'est pas encore définitif."


SIAE = ObjectMachine(
    [
        Transition(
            "submit", "Justificatifs transmis", frozenset({S.SUBMITTABLE}), S.SUBMITTED, blockers=(_submissions_open,)
        ),
        # First validation (amicable phase): the result, final when accepted.
        Transition(
            "validate_review",
            "Contrôle validé",
            frozenset({S.ACCEPTED, S.REFUSED}),
            None,
            blockers=(_campaign_reviewing,),
        ),
        # Second validation (adversarial phase): final.
        Transition(
            "validate_final_review",
            "Contrôle définitif validé",
            frozenset({S.ADVERSARIAL_STAGE}),
            None,
            blockers=(
                _campaign_reviewing,
                _no_pending_refusal_from_first_review,
            ),
        ),
        Transition(
            "notify_sanction",
            "Décision notifiée",
            frozenset({S.REFUSED}),
            None,
            blockers=(
                _final,
                _not_notified,
            ),
        ),
    ],
    state_of=siae_state,
)


def _closed_long_ago(obj, *, now=None, **context):
    now = now or timezone.now()
    if obj.closed_at is None or now < obj.closed_at + datetime.timedelta(days=ARCHIVE_AFTER_DAYS):
        return f"Une campagne s'archive {ARCHIVE_AFTER_DAYS} jours après sa clôture."
    return None


def _drawn(obj, **context):
    return None if obj.drawn_at else "Le tirage de l'échantillon n'a pas encore eu lieu."


CAMPAIGN = ObjectMachine(
    [
        Transition("set_ratio", "Pourcentage de sélection choisi", {P.SAMPLING}, None),
        Transition("draw", "Échantillon tiré", frozenset({P.SAMPLING}), P.AMICABLE),
        Transition("freeze", "Transmissions bloquées", frozenset({P.AMICABLE}), P.AMICABLE_FROZEN),
        Transition(
            "start_adversarial",
            "Phase contradictoire ouverte",
            frozenset({P.AMICABLE, P.AMICABLE_FROZEN}),
            P.ADVERSARIAL,
            blockers=(_drawn,),
        ),
        Transition("close", "Campagne close", frozenset({P.ADVERSARIAL}), P.CLOSED),
        Transition(
            "archive",
            "Campagne archivée",
            {P.CLOSED},
            P.ARCHIVED,
            blockers=(_closed_long_ago,),
            note=f"{ARCHIVE_AFTER_DAYS} jours après la clôture",
        ),
    ],
    initial=(P.SAMPLING, "l'équipe crée les campagnes de la période"),
    state_of=lambda c: c.phase,
)
