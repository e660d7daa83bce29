from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.activity.enums import EXIT_CATEGORY_OF, ContractEndReason, ExitCategory, ExitSituation


class ContractEnd(models.Model):
    """The end of a hire declared by the employer, with the person's situation at exit.
    It does not end the PASS IAE (the person may be hired elsewhere)."""

    job_application = models.OneToOneField(
        "job_applications.JobApplication",
        verbose_name="embauche",
        on_delete=models.CASCADE,
        related_name="contract_end",
    )
    end_date = models.DateField("date de fin effective du contrat")
    reason = models.CharField("motif de fin", max_length=30, choices=ContractEndReason.choices)
    exit_situation = models.CharField("situation à la sortie", max_length=30, choices=ExitSituation.choices)
    exit_category = models.CharField("catégorie de sortie", max_length=20, choices=ExitCategory.choices)
    comment = models.TextField("précisions", blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déclarée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    declared_at = models.DateTimeField("déclarée le", default=timezone.now)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    class Meta:
        verbose_name = "fin de contrat"
        verbose_name_plural = "fins de contrat"
        ordering = ["-end_date", "pk"]
        indexes = [models.Index(fields=["end_date"], name="contract_end_date_idx")]

    def __str__(self):
        return f"Fin de contrat du {self.end_date:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        self.exit_category = EXIT_CATEGORY_OF[self.exit_situation]
        super().save(*args, **kwargs)


class ActivityReport(models.Model):
    """What the employer adds to its generated yearly report (the figures are computed
    from the platform's data each time: itou.activity.report)."""

    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.CASCADE, related_name="activity_reports"
    )
    year = models.PositiveSmallIntegerField("année")
    support_actions = models.TextField("actions d'accompagnement", blank=True)
    training_actions = models.TextField("actions de formation", blank=True)
    partners = models.TextField("partenaires", blank=True)
    comment = models.TextField("commentaire libre", blank=True)
    submitted_at = models.DateTimeField("transmis à la DDETS le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="transmis par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The figures as transmitted (what the DDETS compares), frozen at submission.
    submitted_figures = models.JSONField("chiffres transmis", default=dict, blank=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    class Meta:
        verbose_name = "rapport d'activité"
        verbose_name_plural = "rapports d'activité"
        ordering = ["-year", "company__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "year"],
                name="activity_report_unique_year",
                violation_error_message="Ce rapport existe déjà.",
            ),
        ]

    def __str__(self):
        return f"Rapport d'activité {self.year} — {self.company}"
