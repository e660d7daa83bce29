from django.conf import settings
from django.db import models
from django.utils import timezone


class StaffActionKind(models.TextChoices):
    USER_DEACTIVATE = "user_deactivate", "Compte désactivé"
    USER_REACTIVATE = "user_reactivate", "Compte réactivé"
    USER_RESEND_VERIFICATION = "user_resend_verification", "E-mail de vérification renvoyé"
    USER_CHANGE_EMAIL = "user_change_email", "Adresse e-mail changée"
    USER_ANONYMIZE = "user_anonymize", "Compte anonymisé (demande de suppression)"
    JOB_SEEKERS_MERGE = "job_seekers_merge", "Comptes candidats fusionnés"
    NIR_VIEW = "nir_view", "NIR affiché en clair"


class StaffAction(models.Model):
    """Every write of the support team (one table, an event type, the acting user, the object, details)."""

    created_at = models.DateTimeField("le", default=timezone.now, db_index=True)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("action", max_length=40, choices=StaffActionKind.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="compte", on_delete=models.CASCADE, related_name="staff_actions"
    )
    details = models.JSONField("détails", default=dict, blank=True)

    class Meta:
        verbose_name = "action du support"
        verbose_name_plural = "actions du support"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_user", "-created_at"], name="backoffice_action_target_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} le {self.created_at:%d/%m/%Y %H:%M}"


class LoginEvent(models.Model):
    """A successful login (the support team shows the last 20 of a person)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events")
    created_at = models.DateTimeField("le", default=timezone.now)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=255, blank=True)

    class Meta:
        verbose_name = "connexion"
        verbose_name_plural = "connexions"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "-created_at"], name="backoffice_login_user_idx")]

    def __str__(self):
        return f"Connexion le {self.created_at:%d/%m/%Y %H:%M}"
