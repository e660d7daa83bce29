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
