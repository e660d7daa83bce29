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
