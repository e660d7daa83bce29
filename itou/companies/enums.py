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

# Kinds a visitor can look for: an OPCS brings social clauses to buyers, it does not hire.
# Also frozen in the triggers that copy it on job descriptions (companies migration 0004).
SEARCHABLE_COMPANY_KINDS = tuple(kind for kind in CompanyKind if kind != CompanyKind.OPCS)


class CompanySource(models.TextChoices):
    ASP = "ASP", "Export de l'ASP"
    GEIQ = "GEIQ", "Liste officielle des GEIQ"
    EA_EATT = "EA_EATT", "Liste officielle des EA et EATT"
    USER_CREATED = "USER_CREATED", "Antenne créée par l'employeur"
    STAFF_CREATED = "STAFF_CREATED", "Créée par l'équipe support"


class ContractType(models.TextChoices):
    PERMANENT = "PERMANENT", "CDI"
    PERMANENT_I = "PERMANENT_I", "CDI inclusion"
    FIXED_TERM = "FIXED_TERM", "CDD"
    FIXED_TERM_USAGE = "FIXED_TERM_USAGE", "CDD d'usage"
    FIXED_TERM_I = "FIXED_TERM_I", "CDD d'insertion (CDDI)"
    FIXED_TERM_I_PHC = "FIXED_TERM_I_PHC", "CDDI Premières heures en chantier"
    FIXED_TERM_I_CVG = "FIXED_TERM_I_CVG", "CDDI Convergence"
    FIXED_TERM_TREMPLIN = "FIXED_TERM_TREMPLIN", "CDD Tremplin"
    TEMPORARY = "TEMPORARY", "Contrat de mission intérimaire"
    APPRENTICESHIP = "APPRENTICESHIP", "Contrat d'apprentissage"
    PROFESSIONAL_TRAINING = "PROFESSIONAL_TRAINING", "Contrat de professionnalisation"
    BUSINESS_CREATION = "BUSINESS_CREATION", "Accompagnement à la création d'entreprise"
    OTHER = "OTHER", "Autre type de contrat"


# The contracts an employer of each kind may offer in a job description.
CONTRACT_TYPES_BY_COMPANY_KIND = {
    CompanyKind.EI: (
        ContractType.FIXED_TERM_I,
        ContractType.PERMANENT_I,
        ContractType.APPRENTICESHIP,
        ContractType.PROFESSIONAL_TRAINING,
        ContractType.OTHER,
    ),
    CompanyKind.AI: (ContractType.FIXED_TERM_USAGE, ContractType.FIXED_TERM_I, ContractType.OTHER),
    CompanyKind.ACI: (
        ContractType.FIXED_TERM_I,
        ContractType.FIXED_TERM_I_PHC,
        ContractType.FIXED_TERM_I_CVG,
        ContractType.OTHER,
    ),
    CompanyKind.ETTI: (ContractType.TEMPORARY, ContractType.OTHER),
    CompanyKind.EITI: (ContractType.BUSINESS_CREATION, ContractType.OTHER),
    CompanyKind.GEIQ: (ContractType.PROFESSIONAL_TRAINING, ContractType.APPRENTICESHIP, ContractType.OTHER),
    CompanyKind.EA: (
        ContractType.PERMANENT,
        ContractType.FIXED_TERM,
        ContractType.FIXED_TERM_TREMPLIN,
        ContractType.APPRENTICESHIP,
        ContractType.PROFESSIONAL_TRAINING,
        ContractType.OTHER,
    ),
    CompanyKind.EATT: (ContractType.TEMPORARY, ContractType.PERMANENT, ContractType.OTHER),
    CompanyKind.OPCS: (
        ContractType.PERMANENT,
        ContractType.FIXED_TERM,
        ContractType.APPRENTICESHIP,
        ContractType.PROFESSIONAL_TRAINING,
        ContractType.OTHER,
    ),
}
