"""Follow-up groups ("qui accompagne cette personne ?"): the professionals who follow a job
seeker, with how they follow them (docs/echanges.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

INACTIVITY_END = timezone.timedelta(days=365)


class FollowUpRole(models.TextChoices):
    REFERENT = "referent", "Référent"
    SOCIAL = "social", "Accompagnement social"
    EMPLOYMENT = "employment", "Emploi"
    TRAINING = "training", "Formation"
    HEALTH = "health", "Santé"
    HOUSING = "housing", "Logement"
    EMPLOYER = "employer", "Employeur"
    OTHER = "other", "Autre"


class EndReason(models.TextChoices):
    LEFT = "left", "A quitté le groupe"
    INACTIVE = "inactive", "Sans activité depuis 12 mois"
    REMOVED = "removed", "Retiré à la demande de la personne"


class FollowUpMembership(models.Model):
    job_seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="personne suivie", on_delete=models.CASCADE, related_name="followed_by"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="professionnel", on_delete=models.CASCADE, related_name="follows"
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name="structure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization", verbose_name="organisation", on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )  # fmt: skip
    role = models.CharField("rôle", max_length=20, choices=FollowUpRole.choices)
    is_active = models.BooleanField("actif", default=True)
    started_at = models.DateTimeField("depuis le", default=timezone.now)
    last_activity_at = models.DateTimeField("dernière activité le", default=timezone.now)
    ended_at = models.DateTimeField("fin le", null=True, blank=True)
    end_reason = models.CharField("motif de fin", max_length=20, choices=EndReason.choices, blank=True)
    removal_requested_at = models.DateTimeField("retrait demandé le", null=True, blank=True)

    class Meta:
        verbose_name = "membre d'un groupe de suivi"
        verbose_name_plural = "membres des groupes de suivi"
        ordering = ["started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["job_seeker", "member"],
                condition=models.Q(is_active=True),
                name="followup_one_active_membership",
                violation_error_message="Ce professionnel suit déjà cette personne.",
            )
        ]
        indexes = [
            models.Index(fields=["job_seeker", "is_active"], name="followup_job_seeker_idx"),
            models.Index(fields=["last_activity_at"], name="followup_activity_idx", condition=models.Q(is_active=True)),
        ]

    def __str__(self):
        return f"{self.member} suit {self.job_seeker}"

    @property
    def organization_name(self) -> str:
        if self.company_id:
            return self.company.display_name
        if self.prescriber_organization_id:
            return self.prescriber_organization.name
        return ""


class MilestoneKind(models.TextChoices):
    TRIAL_END = "trial_end", "Fin de la période d'essai"
    MONTH_1 = "month_1", "1 mois"
    MONTH_3 = "month_3", "3 mois"
    MONTH_6 = "month_6", "6 mois"
    TRAINING = "training", "Action de formation commencée"


class FollowUpMilestone(models.Model):
    """A step of the follow-up after a hire, recorded by the employer; the group sees it."""

    job_application = models.ForeignKey(
        "job_applications.JobApplication", verbose_name="embauche", on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField("jalon", max_length=20, choices=MilestoneKind.choices)
    date = models.DateField("date")
    note = models.TextField("précisions", blank=True, max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="noté par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("noté le", default=timezone.now)

    class Meta:
        verbose_name = "jalon de suivi"
        verbose_name_plural = "jalons de suivi"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.date:%d/%m/%Y})"
