from django.db import models


class CompanyKind(models.TextChoices):
    EI = "EI", "Entreprise d'insertion (EI)"
    AI = "AI", "Association intermédiaire (AI)"
    ACI = "ACI", "Atelier et chantier d'insertion (ACI)"
    ETTI = "ETTI", "Entreprise de travail temporaire d'insertion (ETTI)"
    EITI = "EITI", "Entreprise d'insertion par le travail indépendant (EITI)"
    GEIQ = "GEIQ", "Groupement d'employeurs pour l'insertion et la qualification (GEIQ)"
    EA = "EA", "Entreprise adaptée (EA)"
    EATT = "EATT", "Entreprise adaptée de travail temporaire (EATT)"
    OPCS = "OPCS", "Organisation porteuse de la clause sociale (OPCS)"


# Structures d'insertion par l'activité économique: eligibility, PASS IAE, ASP convention,
# employee records.
SIAE_KINDS = frozenset({CompanyKind.EI, CompanyKind.AI, CompanyKind.ACI, CompanyKind.ETTI, CompanyKind.EITI})


class CompanySource(models.TextChoices):
    ASP = "ASP", "Export de l'ASP"
    GEIQ = "GEIQ", "Liste officielle des GEIQ"
    EA_EATT = "EA_EATT", "Liste officielle des EA et EATT"
    USER_CREATED = "USER_CREATED", "Antenne créée par l'employeur"
    STAFF_CREATED = "STAFF_CREATED", "Créée par l'équipe support"
