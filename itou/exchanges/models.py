"""Messages between the people involved in an application (docs/echanges.md).

A thread is an application's messages: the sender's side (prescriber, or the employer
who applied for someone) and the receiving employer's members write, the job seeker too;
a message marked "entre professionnels" is hidden from the job seeker. Internal comments
(itou.job_applications.JobApplicationComment) are something else: employer-only notes.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

MESSAGE_MAX_LENGTH = 5000
# At most one email per thread per recipient within this delay (grouped notifications).
NOTIFICATION_DELAY = timezone.timedelta(hours=1)


class Side(models.TextChoices):
    """Which side of the application someone writes or reads from (itou.job_applications.perms.ViewerRole)."""

    EMPLOYER = "employer", "Employeur"
    SENDER = "sender", "Émetteur de la candidature"
    JOB_SEEKER = "job_seeker", "Candidat"


def attachment_upload_to(instance, filename):
    # Never the user's file name: the message's id.
    return f"exchanges/{instance.pk}.pdf"


class ApplicationMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_application = models.ForeignKey(
        "job_applications.JobApplication",
        verbose_name="candidature",
        on_delete=models.CASCADE,
        related_name="exchange_messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_side = models.CharField("côté de l'auteur", max_length=20, choices=Side.choices)
    # The organization the author wrote for (kept even if they leave it later).
    author_company = models.ForeignKey(
        "companies.Company",
        verbose_name="structure de l'auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="organisation de l'auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField("message")
    between_professionals = models.BooleanField(
        "entre professionnels", default=False, help_text="Le candidat ne voit pas ce message."
    )
    attachment = models.FileField("pièce jointe", upload_to=attachment_upload_to, blank=True, max_length=255)
    created_at = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        verbose_name = "message sur une candidature"
        verbose_name_plural = "messages sur les candidatures"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["job_application", "created_at"], name="exchanges_msg_thread_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(author_side="job_seeker") | models.Q(between_professionals=False),
                name="exchanges_msg_job_seeker_not_pro_only",
                violation_error_message="Un message du candidat ne peut pas être « entre professionnels ».",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH),
                name="exchanges_msg_body_max_length",
                violation_error_message=f"Un message fait au plus {MESSAGE_MAX_LENGTH} caractères.",
            ),
            models.CheckConstraint(
                condition=~models.Q(body=""),
                name="exchanges_msg_body_not_empty",
                violation_error_message="Un message ne peut pas être vide.",
            ),
        ]

    def __str__(self):
        return f"Message de {self.author} ({self.created_at:%d/%m/%Y %H:%M})"

    @property
    def organization_name(self) -> str:
        if self.author_company_id:
            return self.author_company.display_name
        if self.author_prescriber_organization_id:
            return self.author_prescriber_organization.name
        return "Candidat" if self.author_side == Side.JOB_SEEKER else ""


class ThreadState(models.Model):
    """Where one person is in one application's thread: read up to, last emailed at."""

    job_application = models.ForeignKey(
        "job_applications.JobApplication", verbose_name="candidature", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="+"
    )
    side = models.CharField("côté", max_length=20, choices=Side.choices)
    last_read_at = models.DateTimeField("lu jusqu'au", null=True, blank=True)
    last_notified_at = models.DateTimeField("dernier e-mail le", null=True, blank=True)

    class Meta:
        verbose_name = "suivi de lecture d'un fil"
        verbose_name_plural = "suivis de lecture des fils"
        constraints = [
            models.UniqueConstraint(fields=["job_application", "user"], name="exchanges_state_unique"),
        ]
        indexes = [models.Index(fields=["user", "job_application"], name="exchanges_state_user_idx")]

    def __str__(self):
        return f"{self.user_id} / {self.job_application_id}"
