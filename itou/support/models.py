"""Support requests ("Contacter le support"): a thread between a user (or an anonymous
visitor) and the staff, handled in the back-office (docs/echanges.md)."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.utils.state_machine import StateMachine, Transition


class Status(models.TextChoices):
    NEW = "new", "Nouvelle"
    IN_PROGRESS = "in_progress", "En cours"
    WAITING_FOR_USER = "waiting_for_user", "En attente de l'utilisateur"
    CLOSED = "closed", "Fermée"


class Category(models.TextChoices):
    ACCOUNT = "account", "Mon compte, la connexion"
    APPLICATION = "application", "Une candidature"
    ELIGIBILITY = "eligibility", "L'éligibilité, le diagnostic"
    PASS = "pass", "Un PASS IAE"
    ORGANIZATION = "organization", "Mon organisation, ses membres"
    OTHER = "other", "Autre question"


S = Status
WORKFLOW = StateMachine(
    [
        Transition("take", "Prise en charge", {S.NEW}, S.IN_PROGRESS, actors={"staff"}),
        Transition("reply", "Réponse du support", {S.NEW, S.IN_PROGRESS, S.WAITING_FOR_USER}, S.WAITING_FOR_USER, actors={"staff"}),
        Transition("user_reply", "Réponse de l'utilisateur", {S.NEW, S.IN_PROGRESS, S.WAITING_FOR_USER, S.CLOSED}, S.IN_PROGRESS, actors={"user"}),
        Transition("close", "Fermée", {S.NEW, S.IN_PROGRESS, S.WAITING_FOR_USER}, S.CLOSED, actors={"staff"}),
        Transition("reopen", "Rouverte", {S.CLOSED}, S.IN_PROGRESS, actors={"staff"}),
    ],
    initial=(S.NEW, "l'utilisateur écrit"),
)  # fmt: skip


def new_access_token() -> str:
    return secrets.token_urlsafe(24)


def attachment_upload_to(instance, filename):
    return f"support/{instance.pk}.pdf"


class SupportRequest(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The secret of the "answer back" link (never a NIR or an email in a URL).
    access_token = models.CharField(
        "jeton d'accès", max_length=64, unique=True, default=new_access_token, editable=False
    )
    category = models.CharField("sujet", max_length=20, choices=Category.choices)
    subject = models.CharField("objet", max_length=200)
    status = models.CharField("statut", max_length=20, choices=Status.choices, default=Status.NEW, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="support_requests",
    )
    email = models.EmailField("e-mail")
    # The context, attached automatically when the request is written.
    user_role = models.CharField("rôle", max_length=100, blank=True)
    organization_label = models.CharField("organisation actuelle", max_length=300, blank=True)
    page = models.CharField("page d'origine", max_length=500, blank=True)
    job_application = models.ForeignKey(
        "job_applications.JobApplication",
        verbose_name="candidature concernée",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approval = models.ForeignKey(
        "approvals.Approval",
        verbose_name="PASS IAE concerné",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="assignée à",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_support_requests",
        limit_choices_to={"is_staff": True},
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)
    first_response_at = models.DateTimeField("première réponse le", null=True, blank=True)
    closed_at = models.DateTimeField("fermée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de support"
        verbose_name_plural = "demandes de support"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["ip_address", "created_at"], name="support_ip_created_idx"),
            models.Index(fields=["user", "-created_at"], name="support_user_created_idx"),
        ]

    def __str__(self):
        return f"{self.subject} ({self.get_status_display()})"

    @property
    def first_response_delay(self):
        return self.first_response_at - self.created_at if self.first_response_at else None


class SupportMessage(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(
        SupportRequest, verbose_name="demande", on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_staff = models.BooleanField("du support", default=False)
    internal_note = models.BooleanField("note interne", default=False, help_text="Jamais montrée à l'utilisateur.")
    body = models.TextField("message", max_length=5000)
    attachment = models.FileField("pièce jointe", upload_to=attachment_upload_to, blank=True, max_length=255)
    created_at = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        verbose_name = "message de support"
        verbose_name_plural = "messages de support"
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(internal_note=True) | models.Q(from_staff=True),
                name="support_note_from_staff",
                violation_error_message="Seul le support écrit des notes internes.",
            )
        ]

    def __str__(self):
        return f"Message du {self.created_at:%d/%m/%Y %H:%M}"
