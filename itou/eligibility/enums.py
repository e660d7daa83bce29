from django.db import models


class AdministrativeCriteriaLevel(models.TextChoices):
    LEVEL_1 = "1", "Niveau 1"
    LEVEL_2 = "2", "Niveau 2"


class GEIQAnnex(models.TextChoices):
    NO_ANNEX = "0", "Aucune annexe"
    ANNEX_1 = "1", "Annexe 1"
    ANNEX_2 = "2", "Annexe 2"
    ANNEXES_1_AND_2 = "1+2", "Annexes 1 et 2"


class AuthorKind(models.TextChoices):
    """Who made a diagnosis: an authorized prescriber or the employer itself."""

    PRESCRIBER = "prescriber", "Prescripteur habilité"
    EMPLOYER = "employer", "Employeur"


class CertificationSource(models.TextChoices):
    """The State data sources that certify a criterion (les-emplois: API Particulier)."""

    API_PARTICULIER = "api_particulier", "API Particulier (CAF/MSA : RSA, AAH, parent isolé)"
    FRANCE_TRAVAIL = "france_travail", "France Travail (ASS)"


# The criteria a State data source can certify (all of level 1, CONTROL.md §3).
CERTIFIABLE_CRITERIA_KINDS = frozenset({"RSA", "AAH", "ASS", "PI"})
