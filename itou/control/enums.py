from django.db import models

from itou.companies.enums import CompanyKind

# CONTROL.md §1: the SIAE kinds that are controlled (EITI is not).
CONTROLLED_KINDS = (CompanyKind.AI, CompanyKind.EI, CompanyKind.ACI, CompanyKind.ETTI)
MIN_HIRES_FOR_ELIGIBILITY = 2
# §3: selection ratio and sample sizes.
RATIO_MIN, RATIO_MAX, RATIO_DEFAULT = 20, 40, 30
HIRES_RATIO = 20
HIRES_MIN, HIRES_MAX = 2, 20
PROOF_MAX_SIZE = 5 * 1024 * 1024
# §8: reminders.
REMINDER_AFTER_DAYS = 30
DDETS_REMINDER_EVERY_DAYS = 7
# §8 and §1: 60 days after closing, the accepted SIAE are archived (their count kept, the
# details and proofs deleted); campaigns stay viewable 3 years after closing.
ARCHIVE_AFTER_DAYS = 60
VISIBLE_YEARS = 3


class CampaignPhase(models.TextChoices):
    SAMPLING = "sampling", "Échantillonnage"
    AMICABLE = "amicable", "Phase amiable : transmission des justificatifs"
    AMICABLE_FROZEN = "amicable_frozen", "Phase amiable : contrôle des justificatifs (transmissions bloquées)"
    ADVERSARIAL = "adversarial", "Phase contradictoire"
    CLOSED = "closed", "Clôturée"
    ARCHIVED = "archived", "Archivée"


class CriterionState(models.TextChoices):
    PENDING = "pending", "En attente"
    ACCEPTED = "accepted", "Validé"
    REFUSED = "refused", "Problème constaté"
    REFUSED_2 = "refused_2", "Problème constaté (x2)"


class HireState(models.TextChoices):
    """Computed from its criteria; the order is the priority (first wins)."""

    PENDING = "pending", "À compléter : critères à choisir"
    PROCESSING = "processing", "À compléter : justificatifs à déposer"
    UPLOADED = "uploaded", "Justificatifs déposés, à transmettre"
    SUBMITTED = "submitted", "Transmis, en attente de contrôle"
    REFUSED_2 = "refused_2", "Problème constaté (x2)"
    REFUSED = "refused", "Problème constaté"
    ACCEPTED = "accepted", "Validé"


class SiaeState(models.TextChoices):
    PENDING = "pending", "À compléter"
    SUBMITTABLE = "submittable", "Prêt à transmettre"
    SUBMITTED = "submitted", "Transmis"
    REFUSED = "refused", "Problème constaté"
    ACCEPTED = "accepted", "Validé"
    ADVERSARIAL_STAGE = "adversarial_stage", "Phase contradictoire"


class NotificationReason(models.TextChoices):
    DELAY = "DELAY", "Non respect des délais"
    INVALID_PROOF = "INVALID_PROOF", "Pièce justificative incorrecte"
    MISSING_PROOF = "MISSING_PROOF", "Pièce justificative manquante"
    OTHER = "OTHER", "Autre"


class SanctionKind(models.TextChoices):
    TRAINING = "TRAINING", "Participation à une session de présentation de l'auto-prescription"
    TEMPORARY_SUSPENSION = "TEMPORARY_SUSPENSION", "Retrait temporaire de la capacité d'auto-prescription"
    PERMANENT_SUSPENSION = "PERMANENT_SUSPENSION", "Retrait définitif de la capacité d'auto-prescription"
    SUBSIDY_CUT = "SUBSIDY_CUT", "Suppression partielle ou totale de l'aide au poste"
    NO_SANCTIONS = "NO_SANCTIONS", "Ne pas sanctionner"


# §4.2: the defect a sanction refers to, by hire state.
DEFECT_TEXTS = {
    HireState.PENDING: "Les pièces justificatives requises n'ont pas été transmises aux services de l'État.",
    HireState.PROCESSING: (
        "Le dépôt des pièces justificatives sur l'espace en ligne est resté inachevé et n'a, en conséquence, "
        "pas permis leur transmission aux services de l'État."
    ),
    HireState.UPLOADED: (
        "Les pièces justificatives ont été déposées en ligne, mais n'ont pas été transmises aux services de l'État."
    ),
    HireState.REFUSED: (
        "Les documents fournis se sont révélés incomplets ou non conformes aux exigences réglementaires."
    ),
    HireState.REFUSED_2: (
        "Les documents fournis se sont révélés incomplets ou non conformes aux exigences réglementaires."
    ),
}
SANCTIONABLE_HIRE_STATES = frozenset(DEFECT_TEXTS)
