from django.db import models


class PrescriberOrganizationKind(models.TextChoices):
    FT = "FT", "France Travail"
    ML = "ML", "Mission locale"
    CAP_EMPLOI = "CAP_EMPLOI", "Cap emploi"
    DEPT = "DEPT", "Service social du conseil départemental"
    SPIP = "SPIP", "Service pénitentiaire d'insertion et de probation (SPIP)"
    PJJ = "PJJ", "Protection judiciaire de la jeunesse (PJJ)"
    CCAS = "CCAS", "Centre communal ou intercommunal d'action sociale (CCAS, CIAS)"
    PLIE = "PLIE", "Plan local pour l'insertion et l'emploi (PLIE)"
    CHRS = "CHRS", "Centre d'hébergement et de réinsertion sociale (CHRS)"
    CHU = "CHU", "Centre d'hébergement d'urgence (CHU)"
    CIDFF = "CIDFF", "Centre d'information sur les droits des femmes et des familles (CIDFF)"
    CAF = "CAF", "Caisse d'allocations familiales (CAF)"
    CADA = "CADA", "Centre d'accueil de demandeurs d'asile (CADA)"
    ASE = "ASE", "Aide sociale à l'enfance (ASE)"
    E2C = "E2C", "École de la deuxième chance (E2C)"
    EPIDE = "EPIDE", "Établissement pour l'insertion dans l'emploi (EPIDE)"
    AFPA = "AFPA", "Agence nationale pour la formation professionnelle des adultes (AFPA)"
    PIJ_BIJ = "PIJ_BIJ", "Point ou bureau information jeunesse (PIJ, BIJ)"
    PREVENTION = "PREVENTION", "Service ou club de prévention spécialisée"
    OTHER = "OTHER", "Autre"


# Kinds authorized to prescribe by law ("prescripteurs habilités de droit"): they are
# authorized as soon as they are created. The others need a prefect's decision, checked by staff.
AUTHORIZED_BY_LAW_KINDS = frozenset(
    {
        PrescriberOrganizationKind.FT,
        PrescriberOrganizationKind.ML,
        PrescriberOrganizationKind.CAP_EMPLOI,
        PrescriberOrganizationKind.DEPT,
        PrescriberOrganizationKind.SPIP,
        PrescriberOrganizationKind.PJJ,
    }
)


class PrescriberAuthorizationStatus(models.TextChoices):
    NOT_SET = "NOT_SET", "Habilitation en attente de vérification"
    VALIDATED = "VALIDATED", "Habilitation validée"
    REFUSED = "REFUSED", "Habilitation refusée"
    NOT_REQUIRED = "NOT_REQUIRED", "Pas d'habilitation demandée"
