"""Contract ends and exit situations (docs/rapport-activite.md cites the sources)."""

from django.db import models


class ContractEndReason(models.TextChoices):
    """Why the contract ended: early end, end of PASS and "sans nouvelles" kept apart."""

    CONTRACT_TERM = "CONTRACT_TERM", "Arrivée au terme du contrat"
    EARLY_END_EMPLOYEE = "EARLY_END_EMPLOYEE", "Rupture anticipée à l'initiative du salarié"
    EARLY_END_EMPLOYER = "EARLY_END_EMPLOYER", "Rupture anticipée à l'initiative de l'employeur"
    EARLY_END_AGREEMENT = "EARLY_END_AGREEMENT", "Rupture anticipée d'un commun accord"
    TRIAL_PERIOD = "TRIAL_PERIOD", "Fin pendant la période d'essai"
    PASS_END = "PASS_END", "Fin du PASS IAE (durée maximale du parcours atteinte)"
    NO_NEWS = "NO_NEWS", "Sans nouvelles du salarié"
    OTHER = "OTHER", "Autre motif"


EARLY_END_REASONS = frozenset(
    {
        ContractEndReason.EARLY_END_EMPLOYEE,
        ContractEndReason.EARLY_END_EMPLOYER,
        ContractEndReason.EARLY_END_AGREEMENT,
        ContractEndReason.TRIAL_PERIOD,
    }
)


class ExitCategory(models.TextChoices):
    """The four exit categories of IAE reporting ("sorties dynamiques" = the first three)."""

    DURABLE = "DURABLE", "Emploi durable"
    TRANSITIONAL = "TRANSITIONAL", "Emploi de transition"
    POSITIVE = "POSITIVE", "Sortie positive"
    OTHER = "OTHER", "Autre sortie"


class ExitSituation(models.TextChoices):
    # Emploi durable
    PERMANENT_CONTRACT = "PERMANENT_CONTRACT", "CDI hors structure d'insertion"
    LONG_FIXED_TERM = "LONG_FIXED_TERM", "CDD ou intérim de 6 mois ou plus hors structure d'insertion"
    BUSINESS_CREATION = "BUSINESS_CREATION", "Création ou reprise d'entreprise"
    CIVIL_SERVICE = "CIVIL_SERVICE", "Entrée dans la fonction publique"
    # Emploi de transition
    SHORT_FIXED_TERM = "SHORT_FIXED_TERM", "CDD ou intérim de moins de 6 mois hors structure d'insertion"
    SUBSIDIZED_CONTRACT = "SUBSIDIZED_CONTRACT", "Contrat aidé chez un employeur hors structure d'insertion"
    # Sortie positive
    TRAINING = "TRAINING", "Formation qualifiante ou pré-qualifiante"
    OTHER_SIAE = "OTHER_SIAE", "Embauche dans une autre structure d'insertion"
    RETIREMENT = "RETIREMENT", "Départ à la retraite"
    # Autre sortie
    JOB_SEEKING = "JOB_SEEKING", "Au chômage, en recherche d'emploi"
    INACTIVITY = "INACTIVITY", "Inactivité (santé, situation familiale…)"
    NO_NEWS = "NO_NEWS", "Situation inconnue (sans nouvelles)"
    OTHER = "OTHER", "Autre situation"


EXIT_CATEGORY_OF = {
    ExitSituation.PERMANENT_CONTRACT: ExitCategory.DURABLE,
    ExitSituation.LONG_FIXED_TERM: ExitCategory.DURABLE,
    ExitSituation.BUSINESS_CREATION: ExitCategory.DURABLE,
    ExitSituation.CIVIL_SERVICE: ExitCategory.DURABLE,
    ExitSituation.SHORT_FIXED_TERM: ExitCategory.TRANSITIONAL,
    ExitSituation.SUBSIDIZED_CONTRACT: ExitCategory.TRANSITIONAL,
    ExitSituation.TRAINING: ExitCategory.POSITIVE,
    ExitSituation.OTHER_SIAE: ExitCategory.POSITIVE,
    ExitSituation.RETIREMENT: ExitCategory.POSITIVE,
    ExitSituation.JOB_SEEKING: ExitCategory.OTHER,
    ExitSituation.INACTIVITY: ExitCategory.OTHER,
    ExitSituation.NO_NEWS: ExitCategory.OTHER,
    ExitSituation.OTHER: ExitCategory.OTHER,
}


def exit_situation_choices():
    """Grouped by category, for the form's select."""
    return [
        (category.label, [(s.value, s.label) for s in ExitSituation if EXIT_CATEGORY_OF[s] == category])
        for category in ExitCategory
    ]
