"""The state machines of the control, declared once (CONTROL.md §4–§6).

- campaign: stored phase, moved by staff (and by the draw);
- criterion: stored review state, moved by the SIAE (upload) and the DDETS (review);
- hire and SIAE: computed states (priority rules below), with the actions allowed on them.

Computed states read `hire.criteria.all()` / `siae.hires.all()`: prefetch them
(queries.with_states) so that lists stay at a constant number of queries.
"""

from django.utils import timezone

from itou.control.enums import CampaignPhase as P
from itou.control.enums import CriterionState as C
from itou.control.enums import HireState as H
from itou.control.enums import SiaeState as S
from itou.control.statemachine import StateMachine, Transition

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
    return bool(siae.final_reviewed_at) or siae.campaign.phase == P.CLOSED


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


def _submissions_open(criterion_or_siae, **context):
    siae = getattr(criterion_or_siae, "hire", None)
    siae = siae.controlled_siae if siae is not None else criterion_or_siae
    if not siae.campaign.submissions_open:
        return "La transmission des justificatifs est fermée pour cette phase de la campagne."
    if siae.is_frozen:
        return "Vos justificatifs ont été transmis : vous ne pouvez plus les modifier avant la phase suivante."
    deadline = siae.campaign.current_deadline
    if timezone.localdate() > deadline:
        return f"La date limite de transmission des justificatifs ({deadline:%d/%m/%Y}) est passée."
    return None


def _may_upload(criterion, **context):
    if criterion.certified:
        return "Ce critère est certifié par un système de l'État : aucun justificatif n'est demandé."
    siae = criterion.hire.controlled_siae
    if criterion.submitted_at and not (siae.reviewed_at and criterion.review_state in (C.REFUSED, C.REFUSED_2)):
        return "Ce justificatif a déjà été transmis à la DDETS."
    return None


def _reviewable(criterion, **context):
    if criterion.certified:
        return "Ce critère est certifié par un système de l'État : il n'est pas contrôlé."
    if _campaign_of_criterion(criterion).is_closed:
        return "La campagne est close."
    if not criterion.submitted_at:
        return "Ce justificatif n'a pas encore été transmis par la structure."
    if criterion.hire.controlled_siae.final_reviewed_at:
        return "Le contrôle de cette structure est déjà définitif."
    return None


def _not_reviewed_yet(criterion, **context):
    return (
        "Le contrôle a déjà été validé une fois : refusez en phase contradictoire."
        if (criterion.hire.controlled_siae.reviewed_at)
        else None
    )


def _reviewed_once(criterion, **context):
    return None if criterion.hire.controlled_siae.reviewed_at else "Le contrôle n'a pas encore été validé une fois."


CRITERION = StateMachine(
    "criterion",
    lambda c: c.review_state,
    [
        Transition("upload", "Justificatif déposé", frozenset(C), C.PENDING, (_submissions_open, _may_upload)),
        Transition(
            "accept", "Justificatif validé", frozenset({C.PENDING, C.REFUSED, C.REFUSED_2}), C.ACCEPTED, (_reviewable,)
        ),
        Transition(
            "refuse",
            "Problème constaté",
            frozenset({C.PENDING, C.ACCEPTED}),
            C.REFUSED,
            (_reviewable, _not_reviewed_yet),
        ),
        Transition(
            "refuse_again",
            "Problème constaté (x2)",
            frozenset({C.PENDING, C.ACCEPTED, C.REFUSED}),
            C.REFUSED_2,
            (_reviewable, _reviewed_once),
        ),
        Transition(
            "reset", "Remis en attente", frozenset({C.ACCEPTED, C.REFUSED, C.REFUSED_2}), C.PENDING, (_reviewable,)
        ),
    ],
)


def _hire_editable(hire, **context):
    return _submissions_open(hire.controlled_siae) or (
        "Le contrôle a déjà commencé : les critères ne peuvent plus être changés."
        if hire.controlled_siae.reviewed_at
        else None
    )


HIRE = StateMachine(
    "hire",
    hire_state,
    [
        Transition(
            "select_criteria",
            "Critères choisis",
            frozenset({H.PENDING, H.PROCESSING, H.UPLOADED}),
            None,
            (_hire_editable,),
        ),
    ],
)


def _campaign_reviewing(siae, **context):
    if siae.campaign.phase == P.SAMPLING:
        return "La campagne n'a pas commencé."
    if siae.campaign.is_closed:
        return "La campagne est close."
    return None


def _no_pending_refusal_from_first_review(siae, **context):
    for hire in siae.hires.all():
        for criterion in hire.criteria.all():
            if criterion.submitted_at and criterion.review_state == C.PENDING:
                return "Contrôlez chaque justificatif transmis avant de valider."
            if (
                criterion.review_state == C.REFUSED
                and criterion.reviewed_at
                and criterion.reviewed_at <= siae.reviewed_at
            ):
                return "Des justificatifs refusés lors de la phase amiable n'ont pas été contrôlés à nouveau."
    return None


def _not_notified(siae, **context):
    return "La décision a déjà été notifiée." if siae.notified_at else None


def _final(siae, **context):
    return None if evaluation_is_final(siae) else "Le contrôle de cette structure n'est pas encore définitif."


SIAE = StateMachine(
    "siae",
    siae_state,
    [
        Transition("submit", "Justificatifs transmis", frozenset({S.SUBMITTABLE}), S.SUBMITTED, (_submissions_open,)),
        # First validation (amicable phase): the result, final when accepted.
        Transition(
            "validate_review", "Contrôle validé", frozenset({S.ACCEPTED, S.REFUSED}), None, (_campaign_reviewing,)
        ),
        # Second validation (adversarial phase): final.
        Transition(
            "validate_final_review",
            "Contrôle définitif validé",
            frozenset({S.ADVERSARIAL_STAGE}),
            None,
            (_campaign_reviewing, _no_pending_refusal_from_first_review),
        ),
        Transition("notify_sanction", "Décision notifiée", frozenset({S.REFUSED}), S.REFUSED, (_final, _not_notified)),
    ],
)


def _drawn(campaign, **context):
    return None if campaign.drawn_at else "Le tirage de l'échantillon n'a pas encore eu lieu."


CAMPAIGN = StateMachine(
    "campaign",
    lambda c: c.phase,
    [
        Transition("set_ratio", "Pourcentage de sélection choisi", frozenset({P.SAMPLING}), P.SAMPLING),
        Transition("draw", "Échantillon tiré", frozenset({P.SAMPLING}), P.AMICABLE),
        Transition("freeze", "Transmissions bloquées", frozenset({P.AMICABLE}), P.AMICABLE_FROZEN),
        Transition(
            "start_adversarial",
            "Phase contradictoire ouverte",
            frozenset({P.AMICABLE, P.AMICABLE_FROZEN}),
            P.ADVERSARIAL,
            (_drawn,),
        ),
        Transition("close", "Campagne close", frozenset({P.ADVERSARIAL}), P.CLOSED),
    ],
)
