from django.db import models


class JobApplicationState(models.TextChoices):
    NEW = "new", "Nouvelle candidature"
    PROCESSING = "processing", "Candidature à l'étude"
    POSTPONED = "postponed", "Candidature en attente"
    PRIOR_TO_HIRE = "prior_to_hire", "Action préalable à l'embauche"
    POOL = "pool", "Candidature dans le vivier"
    ACCEPTED = "accepted", "Candidature acceptée"
    REFUSED = "refused", "Candidature déclinée"
    CANCELLED = "cancelled", "Embauche annulée"
    OBSOLETE = "obsolete", "Embauché ailleurs"


class SenderKind(models.TextChoices):
    JOB_SEEKER = "job_seeker", "Candidat"
    PRESCRIBER = "prescriber", "Prescripteur ou orienteur"
    EMPLOYER = "employer", "Employeur (auto-prescription)"


class Actor(models.TextChoices):
    """Who fires a transition."""

    EMPLOYER = "employer", "Employeur"
    SYSTEM = "system", "Automatique"


class RefusalReason(models.TextChoices):
    DID_NOT_COME = "did_not_come", "Candidat non joignable"
    DID_NOT_COME_TO_INTERVIEW = "did_not_come_to_interview", "Le candidat ne s'est pas présenté à l'entretien"
    HIRED_ELSEWHERE = "hired_elsewhere", "Le candidat a été embauché ailleurs"
    TRAINING = "training", "Le candidat a démarré une formation"
    NON_ELIGIBLE = "non_eligible", "Le candidat n'est pas éligible"
    NOT_MOBILE = "not_mobile", "Le candidat n'est pas mobile"
    NOT_INTERESTED = "not_interested", "Le candidat n'est pas intéressé"
    LACKING_SKILLS = "lacking_skills", "Le candidat n'a pas les compétences requises pour le poste"
    INCOMPATIBLE = "incompatible", "Un des freins à l'emploi du candidat est incompatible avec le poste"
    PREVENT_OBJECTIVES = (
        "prevent_objectives",
        "L'embauche du candidat empêche la réalisation des objectifs du dialogue de gestion",
    )
    NO_POSITION = "no_position", "Pas de recrutement en cours"
    DUPLICATE = "duplicate", "Candidature en doublon"
    OTHER = "other", "Autre"
    AUTO = "auto", "Refus automatique : candidature sans réponse depuis 60 jours"

    @classmethod
    def employer_choices(cls):
        """The reasons an employer may choose (AUTO is the system's)."""
        return [(value, label) for value, label in cls.choices if value != cls.AUTO]


class PriorActionKind(models.TextChoices):
    """GEIQ actions before hiring (move_to_prior_to_hire)."""

    PMSMP = "PMSMP", "Période de mise en situation en milieu professionnel (PMSMP)"
    POE = "POE", "Préparation opérationnelle à l'emploi (POE)"
    AFPR = "AFPR", "Action de formation préalable au recrutement (AFPR)"
    PRE_QUALIFICATION = "PRE_QUALIFICATION", "Action de pré-qualification"
    OTHER = "OTHER", "Autre action préalable"
