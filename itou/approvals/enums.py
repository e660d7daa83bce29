from django.db import models


class ApprovalOrigin(models.TextChoices):
    AUTO = "auto", "Délivré automatiquement à l'embauche"
    STAFF = "staff", "Délivré manuellement par l'équipe support"


class ApprovalStatus(models.TextChoices):
    VALID = "valid", "Valide"
    FUTURE = "future", "Valide à partir du début du contrat"
    SUSPENDED = "suspended", "Suspendu"
    EXPIRED = "expired", "Expiré"
    CANCELLED = "cancelled", "Retiré"


class SuspensionReason(models.TextChoices):
    CONTRACT_SUSPENDED = "contract_suspended", "Contrat de travail suspendu depuis plus de 15 jours"
    CONTRACT_BROKEN = "contract_broken", "Contrat de travail rompu"
    CONTRACT_ENDED = "contract_ended", "Contrat de travail terminé"
    CTA_AGREEMENT = "cta_agreement", "Convention de transition agréée (CTA) entre deux structures"
    BRIDGE_CONTRACT = "bridge_contract", "Contrat passerelle (EI et ACI seulement)"


class ProlongationReason(models.TextChoices):
    SENIOR_CDI = "senior_cdi", "Salarié de plus de 57 ans en CDI"
    COMPLETE_TRAINING = "complete_training", "Fin d'une formation"
    RQTH = "rqth", "Reconnaissance de la qualité de travailleur handicapé (RQTH)"
    SENIOR = "senior", "Salarié de 50 ans et plus"
    PARTICULAR_DIFFICULTIES = "particular_difficulties", "Difficultés particulières (AI et ACI seulement)"


class ProlongationRequestStatus(models.TextChoices):
    PENDING = "pending", "En attente de réponse"
    GRANTED = "granted", "Acceptée"
    DENIED = "denied", "Refusée"


class ProlongationRequestDenyReason(models.TextChoices):
    IAE_NOT_ADAPTED = "iae_not_adapted", "L'IAE ne correspond plus aux besoins du salarié"
    SIAE_ELSEWHERE = "siae_elsewhere", "Un autre parcours est plus adapté"
    CRITERIA_NOT_MET = "criteria_not_met", "Le motif de prolongation n'est pas justifié"
    OTHER = "other", "Autre motif"
