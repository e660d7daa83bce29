"""After-the-fact control of self-prescriptions ("contrôle a posteriori", CONTROL.md).

A campaign (one per DDETS IAE and period) draws SIAE (ControlledSiae) and some of their
self-prescribed hires (ControlledHire); for each hire the SIAE chooses criteria
(ControlledCriterion) and sends one proof per criterion; the DDETS reviews them.
Stored states: the campaign's phase and each criterion's review state; the hire and SIAE
states are computed (itou.control.workflow), following the priority rules of the spec.
Every change goes through the services and is logged in ControlLog.
"""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from itou.control.enums import (
    RATIO_MAX,
    RATIO_MIN,
    CampaignPhase,
    CriterionState,
    NotificationReason,
    SanctionKind,
    SiaeState,
)


def proof_upload_to(instance, filename):
    # Never the user's file name (personal data): an opaque name in private storage.
    return f"control/proofs/{instance.hire.controlled_siae.campaign_id}/{uuid.uuid4().hex}.pdf"


class Campaign(models.Model):
    institution = models.ForeignKey(
        "institutions.Institution", verbose_name="DDETS IAE", on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField("nom", max_length=255)
    period_start = models.DateField("début de la période contrôlée")
    period_end = models.DateField("fin de la période contrôlée")
    phase = models.CharField("phase", max_length=20, choices=CampaignPhase.choices, default=CampaignPhase.SAMPLING)
    # Calendar (CONTROL.md §2): deadlines shown to everyone and used by the reminders.
    ratio_deadline = models.DateField("fin de l'échantillonnage")
    submission_deadline = models.DateField("fin de la transmission des justificatifs (phase amiable)")
    adversarial_deadline = models.DateField("fin de la transmission des justificatifs (phase contradictoire)")
    sanctions_deadline = models.DateField("fin de la déclaration des sanctions")
    ratio = models.PositiveSmallIntegerField("pourcentage de sélection", null=True, blank=True)
    ratio_set_at = models.DateTimeField("pourcentage choisi le", null=True, blank=True)
    # The draw: its seed makes it reproducible (itou.control.draw).
    seed = models.BigIntegerField("graine du tirage", null=True, blank=True)
    drawn_at = models.DateTimeField("tirage fait le", null=True, blank=True)
    eligible_siae_count = models.PositiveIntegerField("structures éligibles", null=True, blank=True)
    frozen_at = models.DateTimeField("transmissions bloquées le", null=True, blank=True)
    adversarial_at = models.DateTimeField("phase contradictoire ouverte le", null=True, blank=True)
    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)
    archived_at = models.DateTimeField("archivée le", null=True, blank=True)
    last_ddets_reminder_at = models.DateTimeField("dernier rappel à la DDETS", null=True, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "campagne de contrôle a posteriori"
        verbose_name_plural = "campagnes de contrôle a posteriori"
        ordering = ["-period_end", "institution__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "period_start", "period_end"],
                name="control_campaign_unique_period",
                violation_error_message="Cette DDETS a déjà une campagne pour cette période.",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="control_campaign_period"
            ),
            models.CheckConstraint(
                condition=models.Q(ratio__isnull=True) | models.Q(ratio__gte=RATIO_MIN, ratio__lte=RATIO_MAX),
                name="control_campaign_ratio_bounds",
            ),
        ]

    def __str__(self):
        return f"{self.name} — {self.institution}"

    @property
    def is_closed(self) -> bool:
        """Closed, or archived after closing: the results are final."""
        return self.phase in (CampaignPhase.CLOSED, CampaignPhase.ARCHIVED)

    @property
    def is_archived(self) -> bool:
        return self.phase == CampaignPhase.ARCHIVED

    @property
    def submissions_open(self) -> bool:
        return self.phase in (CampaignPhase.AMICABLE, CampaignPhase.ADVERSARIAL)

    @property
    def current_deadline(self):
        return {
            CampaignPhase.SAMPLING: self.ratio_deadline,
            CampaignPhase.AMICABLE: self.submission_deadline,
            CampaignPhase.AMICABLE_FROZEN: self.submission_deadline,
            CampaignPhase.ADVERSARIAL: self.adversarial_deadline,
            CampaignPhase.CLOSED: self.sanctions_deadline,
            CampaignPhase.ARCHIVED: self.sanctions_deadline,
        }[self.phase]


class ControlledSiae(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name="campagne", on_delete=models.CASCADE, related_name="siaes")
    company = models.ForeignKey(
        "companies.Company", verbose_name="structure", on_delete=models.PROTECT, related_name="controls"
    )
    submitted_at = models.DateTimeField("justificatifs transmis le", null=True, blank=True)
    submission_frozen_at = models.DateTimeField("transmission bloquée le", null=True, blank=True)
    reviewed_at = models.DateTimeField("contrôle (phase amiable) validé le", null=True, blank=True)
    final_reviewed_at = models.DateTimeField("contrôle définitif validé le", null=True, blank=True)
    reminder_sent_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    final_state = models.CharField("état final", max_length=20, choices=SiaeState.choices, blank=True)
    notified_at = models.DateTimeField("décision notifiée le", null=True, blank=True)
    notification_reason = models.CharField(
        "motif principal", max_length=20, choices=NotificationReason.choices, blank=True
    )
    notification_text = models.TextField("commentaire pour la structure", blank=True)
    hire_count = models.PositiveSmallIntegerField("auto-prescriptions contrôlées", default=0)
    archived_at = models.DateTimeField(
        "archivée le", null=True, blank=True, help_text="Détail des embauches et justificatifs supprimés."
    )

    class Meta:
        verbose_name = "structure contrôlée"
        verbose_name_plural = "structures contrôlées"
        ordering = ["company__name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "company"],
                name="control_siae_unique_per_campaign",
                violation_error_message="Cette structure est déjà contrôlée dans cette campagne.",
            ),
        ]

    def __str__(self):
        return f"{self.company} — {self.campaign.name}"

    @property
    def is_frozen(self) -> bool:
        return self.submission_frozen_at is not None


class ControlledHire(models.Model):
    controlled_siae = models.ForeignKey(
        ControlledSiae, verbose_name="structure contrôlée", on_delete=models.CASCADE, related_name="hires"
    )
    job_application = models.ForeignKey(
        "job_applications.JobApplication", verbose_name="embauche", on_delete=models.CASCADE, related_name="+"
    )
    review_comment = models.TextField("raison d'une auto-prescription refusée", blank=True)
    # Set by the draw: the criteria certified by the State at the hiring date are enough for
    # the eligibility rules (no proof asked for this hire).
    fully_certified = models.BooleanField("justifiée par des critères certifiés", default=False)

    class Meta:
        verbose_name = "auto-prescription contrôlée"
        verbose_name_plural = "auto-prescriptions contrôlées"
        ordering = ["job_application__hiring_start_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["controlled_siae", "job_application"],
                name="control_hire_unique",
                violation_error_message="Cette embauche est déjà contrôlée.",
            ),
        ]

    def __str__(self):
        return f"Embauche {self.job_application_id}"


class ControlledCriterion(models.Model):
    hire = models.ForeignKey(
        ControlledHire, verbose_name="auto-prescription", on_delete=models.CASCADE, related_name="criteria"
    )
    administrative_criteria = models.ForeignKey(
        "eligibility.AdministrativeCriteria", verbose_name="critère", on_delete=models.PROTECT, related_name="+"
    )
    proof = models.FileField("justificatif", upload_to=proof_upload_to, blank=True, max_length=255)
    uploaded_at = models.DateTimeField("déposé le", null=True, blank=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    review_state = models.CharField(
        "état", max_length=20, choices=CriterionState.choices, default=CriterionState.PENDING
    )
    review_comment = models.TextField("commentaire du contrôle", blank=True)
    reviewed_at = models.DateTimeField("contrôlé le", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="contrôlé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    certified = models.BooleanField("certifié par un système de l'État", default=False)

    class Meta:
        verbose_name = "critère à justifier"
        verbose_name_plural = "critères à justifier"
        ordering = ["administrative_criteria__level", "administrative_criteria__ui_rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["hire", "administrative_criteria"],
                name="control_criterion_unique",
                violation_error_message="Ce critère est déjà à justifier pour cette embauche.",
            ),
        ]

    def __str__(self):
        return f"{self.administrative_criteria} — {self.hire}"


class Sanction(models.Model):
    """The decision notified to a refused SIAE (CONTROL.md §7)."""

    controlled_siae = models.OneToOneField(
        ControlledSiae, verbose_name="structure contrôlée", on_delete=models.CASCADE, related_name="sanction"
    )
    kinds = ArrayField(models.CharField(max_length=30, choices=SanctionKind.choices), verbose_name="sanctions")
    training_details = models.TextField("modalités de la session de présentation", blank=True)
    suspension_start = models.DateField("retrait à partir du", null=True, blank=True)
    suspension_end = models.DateField("retrait jusqu'au (inclus)", null=True, blank=True)
    subsidy_cuts = models.JSONField("suppression de l'aide au poste (% par embauche)", default=dict, blank=True)
    no_sanction_reason = models.TextField("explication de l'absence de sanction", blank=True)
    created_at = models.DateTimeField("décidée le", default=timezone.now)

    class Meta:
        verbose_name = "sanction"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(suspension_end__isnull=True)
                | models.Q(suspension_start__isnull=True)
                | models.Q(suspension_end__gte=models.F("suspension_start")),
                name="control_sanction_dates",
            ),
        ]

    def __str__(self):
        return f"Sanction — {self.controlled_siae}"


class ControlLog(models.Model):
    """Every transition of a control object, and the progress of the draw."""

    campaign = models.ForeignKey(Campaign, verbose_name="campagne", on_delete=models.CASCADE, related_name="logs")
    object_kind = models.CharField("objet", max_length=20)  # campaign, siae, hire, criterion, draw
    object_id = models.BigIntegerField("identifiant de l'objet")
    transition = models.CharField("transition", max_length=40)
    from_state = models.CharField("état de départ", max_length=20, blank=True)
    to_state = models.CharField("état d'arrivée", max_length=20, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide quand la plateforme a agi elle-même.",
    )
    details = models.JSONField("détails", default=dict, blank=True)
    timestamp = models.DateTimeField("date", default=timezone.now)

    class Meta:
        verbose_name = "journal du contrôle"
        verbose_name_plural = "journal du contrôle"
        ordering = ["timestamp", "pk"]
        indexes = [models.Index(fields=["campaign", "object_kind", "object_id"], name="control_log_object_idx")]

    def __str__(self):
        return f"{self.object_kind} {self.object_id} : {self.transition}"
