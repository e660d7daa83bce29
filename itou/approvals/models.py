"""PASS IAE, its hires, suspensions, prolongations and prolongation requests.

`Approval.end_at` is stored and moved by the services (suspensions add their days,
prolongations push it); the status comes from `rules.approval_status`, the one place.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models
from django.utils import timezone

from itou.approvals import rules
from itou.approvals.enums import (
    ApprovalOrigin,
    ApprovalStatus,
    ProlongationReason,
    ProlongationRequestDenyReason,
    ProlongationRequestStatus,
    SuspensionReason,
)

NUMBER_SEQUENCE = "approvals_approval_number_seq"


def next_approval_number() -> str:
    """A fresh number: PostgreSQL sequences are never rolled back, so no number is ever
    handed out twice, even when two hires happen at the same instant."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [NUMBER_SEQUENCE])
        (value,) = cursor.fetchone()
    prefix = settings.APPROVAL_NUMBER_PREFIX
    if len(prefix) != rules.NUMBER_PREFIX_LENGTH or not prefix.isalnum():
        raise ImproperlyConfigured("APPROVAL_NUMBER_PREFIX doit compter 5 chiffres ou lettres majuscules.")
    return f"{prefix}{value:0{rules.NUMBER_SEQUENCE_LENGTH}d}"


class ApprovalQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.filter(cancelled_at__isnull=True)

    def for_company(self, company):
        """PASS with a hire (not cancelled) by `company`."""
        return self.filter(
            pk__in=ApprovalHire.objects.filter(company=company, cancelled_at__isnull=True).values("approval_id")
        )

    def with_dates(self):
        """Suspensions prefetched: `status()` then needs no query (lists stay constant)."""
        return self.prefetch_related("suspensions")

    def with_status(self, today):
        """`sql_status` and `sql_expires_soon` computed by PostgreSQL, so that a list can
        filter and paginate in SQL. The SQL mirror of `rules.approval_status` and
        `rules.expires_soon` (same order of tests, same bounds): tests check that both
        agree on every status and boundary date."""
        suspended_today = Suspension.objects.filter(
            approval=models.OuterRef("pk"), start_at__lte=today, end_at__gte=today
        )
        not_cancelled = models.Q(cancelled_at__isnull=True)
        return self.annotate(
            sql_status=models.Case(
                models.When(~not_cancelled, then=models.Value(ApprovalStatus.CANCELLED.value)),
                models.When(end_at__lt=today, then=models.Value(ApprovalStatus.EXPIRED.value)),
                models.When(start_at__gt=today, then=models.Value(ApprovalStatus.FUTURE.value)),
                models.When(models.Exists(suspended_today), then=models.Value(ApprovalStatus.SUSPENDED.value)),
                default=models.Value(ApprovalStatus.VALID.value),
                output_field=models.CharField(),
            ),
            sql_expires_soon=models.ExpressionWrapper(
                not_cancelled & models.Q(end_at__gte=today, end_at__lt=today + rules.EXPIRES_SOON),
                output_field=models.BooleanField(),
            ),
        )


class Approval(models.Model):
    number = models.CharField("numéro", max_length=rules.NUMBER_LENGTH, unique=True, editable=False)
    job_seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="candidat", on_delete=models.PROTECT, related_name="approvals"
    )
    start_at = models.DateField("date de début")
    end_at = models.DateField("date de fin")
    origin = models.CharField("origine", max_length=10, choices=ApprovalOrigin.choices, default=ApprovalOrigin.AUTO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="délivré par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("délivré le", default=timezone.now)
    cancelled_at = models.DateTimeField("retiré le", null=True, blank=True)
    eligibility_diagnosis = models.ForeignKey(
        "eligibility.EligibilityDiagnosis",
        verbose_name="diagnostic d'éligibilité",
        help_text="Le diagnostic sur lequel le PASS IAE a été délivré.",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approvals",
    )

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        verbose_name = "PASS IAE"
        verbose_name_plural = "PASS IAE"
        ordering = ["-start_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_at__gte=models.F("start_at")), name="approval_dates"),
            models.CheckConstraint(
                condition=models.Q(number__regex=rf"^[0-9A-Z]{{{rules.NUMBER_LENGTH}}}$"), name="approval_number"
            ),
        ]

    def __str__(self):
        return self.display_number

    @property
    def display_number(self) -> str:
        return rules.format_number(self.number)

    def suspension_dates(self) -> list:
        return [(s.start_at, s.end_at) for s in self.suspensions.all()]

    def status(self, today=None):
        return rules.approval_status(
            start_at=self.start_at,
            end_at=self.end_at,
            cancelled=self.cancelled_at is not None,
            suspensions=self.suspension_dates(),
            today=today or timezone.localdate(),
        )

    def expires_soon(self, today=None) -> bool:
        return self.cancelled_at is None and rules.expires_soon(self.end_at, today=today or timezone.localdate())

    @property
    def holder_initials(self) -> str:
        return rules.initials(self.job_seeker.first_name, self.job_seeker.last_name)


class ApprovalHire(models.Model):
    """One hire covered by the PASS (the first one, or a reuse)."""

    approval = models.ForeignKey(Approval, verbose_name="PASS IAE", on_delete=models.CASCADE, related_name="hires")
    job_application = models.OneToOneField(
        "job_applications.JobApplication",
        verbose_name="candidature",
        on_delete=models.CASCADE,
        related_name="approval_hire",
    )
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.PROTECT, related_name="approval_hires"
    )
    hiring_start_at = models.DateField("début du contrat")
    created_at = models.DateTimeField("enregistrée le", default=timezone.now)
    cancelled_at = models.DateTimeField("embauche annulée le", null=True, blank=True)

    class Meta:
        verbose_name = "embauche couverte par un PASS IAE"
        verbose_name_plural = "embauches couvertes par un PASS IAE"
        ordering = ["-hiring_start_at", "-pk"]

    def __str__(self):
        return f"{self.approval} — {self.company}"


class PendingApprovalRequest(models.Model):
    """A hire in an SIAE whose job seeker has neither NIR nor France Travail id: staff
    check the identity and issue the PASS by hand (admin action)."""

    job_application = models.OneToOneField(
        "job_applications.JobApplication",
        verbose_name="candidature",
        on_delete=models.CASCADE,
        related_name="pending_approval_request",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    resolved_at = models.DateTimeField("traitée le", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="traitée par", on_delete=models.SET_NULL, null=True, blank=True
    )
    approval = models.ForeignKey(
        Approval, verbose_name="PASS IAE délivré", on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = "PASS IAE à délivrer manuellement"
        verbose_name_plural = "PASS IAE à délivrer manuellement"
        ordering = ["created_at"]

    def __str__(self):
        return f"PASS IAE à délivrer — candidature {self.job_application_id}"


class Suspension(models.Model):
    approval = models.ForeignKey(
        Approval, verbose_name="PASS IAE", on_delete=models.CASCADE, related_name="suspensions"
    )
    start_at = models.DateField("date de début")
    end_at = models.DateField("date de fin")
    reason = models.CharField("motif", max_length=30, choices=SuspensionReason.choices)
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "suspension du PASS IAE"
        verbose_name_plural = "suspensions du PASS IAE"
        ordering = ["start_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_at__gte=models.F("start_at")), name="suspension_dates"),
        ]

    def __str__(self):
        return f"Suspension du {self.start_at} au {self.end_at}"

    @property
    def days(self) -> int:
        return rules.days_between(self.start_at, self.end_at)


class Prolongation(models.Model):
    approval = models.ForeignKey(
        Approval, verbose_name="PASS IAE", on_delete=models.CASCADE, related_name="prolongations"
    )
    start_at = models.DateField("date de début")
    end_at = models.DateField("date de fin")
    reason = models.CharField("motif", max_length=30, choices=ProlongationReason.choices)
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.PROTECT, related_name="+"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="déclarée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    validated_by = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="validée par",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)

    class Meta:
        verbose_name = "prolongation du PASS IAE"
        verbose_name_plural = "prolongations du PASS IAE"
        ordering = ["start_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_at__gt=models.F("start_at")), name="prolongation_dates"),
        ]

    def __str__(self):
        return f"Prolongation du {self.start_at} au {self.end_at}"


class ProlongationRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ProlongationRequestStatus.PENDING)

    def for_prescriber_organization(self, organization):
        return self.filter(prescriber_organization=organization)


class ProlongationRequest(models.Model):
    """State machine: see `itou/approvals/workflow.py`."""

    approval = models.ForeignKey(
        Approval, verbose_name="PASS IAE", on_delete=models.CASCADE, related_name="prolongation_requests"
    )
    status = models.CharField(
        "état", max_length=10, choices=ProlongationRequestStatus.choices, default=ProlongationRequestStatus.PENDING
    )
    reason = models.CharField("motif", max_length=30, choices=ProlongationReason.choices)
    end_at = models.DateField("fin demandée")
    explanation = models.TextField("explications", blank=True)
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.PROTECT, related_name="+"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="prescripteur habilité",
        on_delete=models.PROTECT,
        related_name="prolongation_requests",
    )
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traitée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    processed_at = models.DateTimeField("traitée le", null=True, blank=True)
    deny_reason = models.CharField(
        "motif du refus", max_length=30, choices=ProlongationRequestDenyReason.choices, blank=True
    )
    deny_explanation = models.TextField("explications du refus", blank=True)
    proposed_actions = models.TextField("actions proposées", blank=True)
    prolongation = models.OneToOneField(
        Prolongation, verbose_name="prolongation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminders_sent_at = ArrayField(
        models.DateTimeField(), verbose_name="relances envoyées le", default=list, blank=True
    )
    created_at = models.DateTimeField("demandée le", default=timezone.now)

    objects = ProlongationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de prolongation"
        verbose_name_plural = "demandes de prolongation"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["approval"],
                condition=models.Q(status=ProlongationRequestStatus.PENDING),
                name="prolongationrequest_one_pending_per_approval",
                violation_error_message="Une demande de prolongation est déjà en attente pour ce PASS IAE.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProlongationRequestStatus.DENIED) | ~models.Q(deny_reason=""),
                name="prolongationrequest_denied_has_reason",
            ),
        ]

    def __str__(self):
        return f"Demande de prolongation du PASS IAE {self.approval}"
