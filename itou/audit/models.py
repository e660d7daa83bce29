"""Who saw what: reads of personal data that the holder did not make themself.

Rows are only ever inserted (services.py), never changed; the admin is read-only.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.audit.enums import AccessKind, LookupMethod


class AccessLog(models.Model):
    """One view of a NIR in clear, of a CV or of a PASS IAE attestation by someone else than its holder."""

    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="consulté par",
        on_delete=models.SET_NULL,
        null=True,
        related_name="accesses_made",
    )
    # The organization the viewer acted for ("company:12", "prescriber:3"…), empty for staff.
    viewer_organization = models.CharField("au nom de", max_length=40, blank=True)
    # Its name then (shown to the holder; the organization may be renamed or closed later).
    viewer_organization_name = models.CharField("nom de l'organisation", max_length=255, blank=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="personne concernée",
        on_delete=models.CASCADE,
        related_name="accesses_received",
    )
    kind = models.CharField("donnée consultée", max_length=30, choices=AccessKind.choices)
    # What exactly: the application's id for a CV, the PASS number for an attestation.
    object_ref = models.CharField("objet", max_length=64, blank=True)

    class Meta:
        verbose_name = "consultation de données personnelles"
        verbose_name_plural = "consultations de données personnelles"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["holder", "kind", "-created_at"], name="audit_access_holder_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} de {self.holder_id} par {self.viewer_id} le {self.created_at:%d/%m/%Y %H:%M}"


class PersonLookup(models.Model):
    """One search of a job seeker by a professional in the apply journey (throttled, see services)."""

    created_at = models.DateTimeField("le", default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="professionnel", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    organization_key = models.CharField("au nom de", max_length=40, blank=True)
    # Which typed field found an account (empty: none), and whether the professional then
    # proved they know the person (first and last names + birth date of the account).
    matched_by = models.CharField("trouvé par", max_length=20, choices=LookupMethod.choices, blank=True)
    found = models.BooleanField("compte trouvé", default=False)
    proven = models.BooleanField("identité confirmée", default=False)

    class Meta:
        verbose_name = "recherche de candidat"
        verbose_name_plural = "recherches de candidats"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="audit_lookup_user_idx"),
            models.Index(fields=["organization_key", "-created_at"], name="audit_lookup_org_idx"),
        ]

    def __str__(self):
        return f"Recherche par {self.user_id} le {self.created_at:%d/%m/%Y %H:%M}"


class RetentionNotice(models.Model):
    """A person inactive for RETENTION_INACTIVITY was told their account will be anonymized
    RETENTION_NOTICE_PERIOD later unless they log in (itou/audit/retention.py)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="personne", on_delete=models.CASCADE, related_name="retention_notice"
    )
    warned_at = models.DateTimeField("prévenue le", default=timezone.now)

    class Meta:
        verbose_name = "avertissement d'anonymisation"
        verbose_name_plural = "avertissements d'anonymisation"

    def __str__(self):
        return f"Avertissement du {self.warned_at:%d/%m/%Y}"


class DeletionRequest(models.Model):
    """A person asked for their account to be deleted; staff handle it with one click."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="personne", on_delete=models.CASCADE, related_name="deletion_requests"
    )
    created_at = models.DateTimeField("demandée le", default=timezone.now)
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traitée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "demande de suppression de compte"
        verbose_name_plural = "demandes de suppression de compte"
        ordering = ["handled_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(handled_at__isnull=True), name="audit_one_pending_deletion_request"
            )
        ]

    def __str__(self):
        return f"Demande de suppression du {self.created_at:%d/%m/%Y}"


class Anonymization(models.Model):
    """The trace of an anonymization: when, why, by whom (no personal data kept)."""

    class Reason(models.TextChoices):
        INACTIVITY = "inactivity", "Inactivité"
        REQUEST = "request", "Demande de la personne"
        MERGE = "merge", "Fusion avec un autre compte"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="compte", on_delete=models.CASCADE, related_name="anonymization"
    )
    created_at = models.DateTimeField("le", default=timezone.now)
    reason = models.CharField("motif", max_length=20, choices=Reason.choices)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "anonymisation"
        verbose_name_plural = "anonymisations"

    def __str__(self):
        return f"Anonymisation du {self.created_at:%d/%m/%Y} ({self.get_reason_display()})"
