from django.db import models


class AccessKind(models.TextChoices):
    NIR = "nir", "Numéro de sécurité sociale en clair"
    RESUME = "resume", "CV"
    APPROVAL_ATTESTATION = "approval_attestation", "Attestation de PASS IAE"


class LookupMethod(models.TextChoices):
    NIR = "nir", "Numéro de sécurité sociale"
    EMAIL = "email", "Adresse e-mail"
    NAME_AND_BIRTHDATE = "name_birthdate", "Nom, prénom et date de naissance"
    NONE = "", "Aucun compte trouvé"
