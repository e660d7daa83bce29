from django.db import models


class JoinRequestStatus(models.TextChoices):
    PENDING = "PENDING", "En attente"
    ACCEPTED = "ACCEPTED", "Acceptée"
    DECLINED = "DECLINED", "Refusée"


class InvitationStatus(models.TextChoices):
    """Derived from the dates of an invitation (not stored): what the members page shows."""

    PENDING = "PENDING", "En attente"
    EXPIRED = "EXPIRED", "Expirée"
    ACCEPTED = "ACCEPTED", "Acceptée"
    CANCELLED = "CANCELLED", "Annulée"


class OrganizationType(models.TextChoices):
    """The three kinds of organizations a professional can join; the codes are those of
    the current organization's session key (itou.organizations.current)."""

    COMPANY = "company", "Employeur"
    PRESCRIBER = "prescriber", "Organisation prescriptrice"
    INSTITUTION = "institution", "Institution partenaire"
