from django.db import models


class TokenKind(models.TextChoices):
    """Who holds a token, which decides what it may call (docs/api.md)."""

    EMPLOYER = "employer", "Logiciel d'employeur (jeton personnel d'un administrateur)"
    DEPARTMENT = "department", "Conseil départemental"
    PARTNER = "partner", "Partenaire (vérification des PASS IAE)"
