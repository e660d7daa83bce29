from django.db import models


class InstitutionKind(models.TextChoices):
    DDETS_IAE = "DDETS_IAE", "DDETS IAE (direction départementale)"
    DREETS_IAE = "DREETS_IAE", "DREETS IAE (direction régionale)"
    DGEFP_IAE = "DGEFP_IAE", "DGEFP IAE (direction nationale)"
    DDETS_GEIQ = "DDETS_GEIQ", "DDETS GEIQ (direction départementale)"
    DREETS_GEIQ = "DREETS_GEIQ", "DREETS GEIQ (direction régionale)"
    DGEFP_GEIQ = "DGEFP_GEIQ", "DGEFP GEIQ (direction nationale)"


# The area an institution covers follows from its kind.
DEPARTMENTAL_KINDS = frozenset({InstitutionKind.DDETS_IAE, InstitutionKind.DDETS_GEIQ})
REGIONAL_KINDS = frozenset({InstitutionKind.DREETS_IAE, InstitutionKind.DREETS_GEIQ})
NATIONAL_KINDS = frozenset({InstitutionKind.DGEFP_IAE, InstitutionKind.DGEFP_GEIQ})
