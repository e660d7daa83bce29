import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.job_applications.enums import JobApplicationState, PriorActionKind, RefusalReason, SenderKind
from itou.job_applications.workflow import ARCHIVABLE_STATES, PENDING_STATES

# Rules of DOMAIN.md, Applications: each a named constant.
MIN_DELAY_BETWEEN_APPLICATIONS_TO_SAME_COMPANY = timezone.timedelta(hours=24)
MAX_HIRING_START_POSTPONEMENT_DAYS = 30
IDLE_REMINDER_AFTER = timezone.timedelta(weeks=3)
AUTO_REFUSE_AFTER = timezone.timedelta(days=60)
AUTO_ARCHIVE_AFTER = timezone.timedelta(days=180)
RESUME_MAX_SIZE = 5 * 1024 * 1024


def resume_upload_to(instance, filename):
    # Never the user's file name (personal data, collisions): the application's id.
    return f"resumes/{instance.pk}.pdf"


class JobApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(state__in=PENDING_STATES)

    def not_archived(self):
        return self.filter(archived_at__isnull=True)

    def archivable(self):
        return self.filter(state__in=ARCHIVABLE_STATES)

    def for_company(self, company):
        return self.filter(to_company=company)

    def for_prescriber_organization(self, organization):
        return self.filter(sender_prescriber_organization=organization)

    def for_job_seeker(self, job_seeker):
        return self.filter(job_seeker=job_seeker)


class JobApplication(models.Model):
    """An application ("candidature") of a job seeker to an employer.

    Sent by the job seeker, a prescriber (for them) or the employer itself
    (auto-prescription). Its state changes only through the services, which follow
    the table of itou/job_applications/workflow.py and log every transition.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job_seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="candidat",
        on_delete=models.PROTECT,
        related_name="job_applications",
    )
    to_company = models.ForeignKey(
        "companies.Company",
        verbose_name="employeur destinataire",
        on_delete=models.PROTECT,
        related_name="received_job_applications",
    )
    selected_jobs = models.ManyToManyField(
        "companies.JobDescription",
        verbose_name="fiches de poste choisies",
        blank=True,
        related_name="job_applications",
        help_text="Aucune : candidature spontanée.",
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="émetteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_job_applications",
    )
    sender_kind = models.CharField("type d'émetteur", max_length=20, choices=SenderKind.choices)
    sender_company = models.ForeignKey(
        "companies.Company",
        verbose_name="employeur émetteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sender_prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="organisation émettrice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sent_job_applications",
    )
    message = models.TextField("message de candidature", blank=True)
    resume = models.FileField("CV", upload_to=resume_upload_to, blank=True, max_length=255)

    state = models.CharField(
        "état", max_length=20, choices=JobApplicationState.choices, default=JobApplicationState.NEW, db_index=True
    )
    # Refusal
    refusal_reason = models.CharField("motif de refus", max_length=40, choices=RefusalReason.choices, blank=True)
    refusal_reason_shared_with_job_seeker = models.BooleanField("motif partagé avec le candidat", default=False)
    answer = models.TextField("réponse au candidat", blank=True)
    answer_to_prescriber = models.TextField("réponse au prescripteur", blank=True)
    # Hiring
    hiring_start_at = models.DateField("date de début du contrat", null=True, blank=True)
    hiring_end_at = models.DateField("date de fin du contrat", null=True, blank=True)
    # GEIQ prior action
    prior_action_kind = models.CharField("action préalable", max_length=20, choices=PriorActionKind.choices, blank=True)
    # Transfer
    transferred_from = models.ForeignKey(
        "companies.Company",
        verbose_name="transférée depuis",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    transferred_at = models.DateTimeField("transférée le", null=True, blank=True)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="transférée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The diagnosis the hire relied on (set by job_application_accept) or that an
    # authorized prescriber attached when applying.
    eligibility_diagnosis = models.ForeignKey(
        "eligibility.EligibilityDiagnosis",
        verbose_name="diagnostic d'éligibilité IAE",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job_applications",
    )
    geiq_eligibility_diagnosis = models.ForeignKey(
        "eligibility.GEIQEligibilityDiagnosis",
        verbose_name="diagnostic d'éligibilité GEIQ",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="job_applications",
    )
    processed_at = models.DateTimeField("dernière décision le", null=True, blank=True)
    # Set by the daily reminder (tasks.py) so that an idle application is reminded once;
    # written with QuerySet.update(), which leaves `updated_at` (the idleness clock) alone.
    idle_reminder_sent_at = models.DateTimeField("relance envoyée le", null=True, blank=True)
    archived_at = models.DateTimeField("archivée le", null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="archivée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = JobApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = "candidature"
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="refused") | ~models.Q(refusal_reason=""),
                name="job_application_refused_has_reason",
                violation_error_message="Une candidature déclinée doit avoir un motif de refus.",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="accepted") | models.Q(hiring_start_at__isnull=False),
                name="job_application_accepted_has_start",
                violation_error_message="Une candidature acceptée doit avoir une date de début de contrat.",
            ),
            models.CheckConstraint(
                condition=models.Q(hiring_end_at__isnull=True)
                | models.Q(hiring_start_at__isnull=True)
                | models.Q(hiring_end_at__gte=models.F("hiring_start_at")),
                name="job_application_hiring_dates_order",
                violation_error_message="La date de fin du contrat doit être après la date de début.",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender_kind="prescriber") | models.Q(sender_prescriber_organization__isnull=False),
                name="job_application_prescriber_has_organization",
                violation_error_message="Une candidature d'un prescripteur indique son organisation.",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender_kind="employer") | models.Q(sender_company__isnull=False),
                name="job_application_employer_has_company",
                violation_error_message="Une auto-prescription indique la structure émettrice.",
            ),
        ]
        indexes = [
            # Employer inbox: received, not archived, newest first (filters on state).
            models.Index(fields=["to_company", "-created_at"], name="ja_company_created_idx"),
            models.Index(fields=["to_company", "state", "-created_at"], name="ja_company_state_idx"),
            # The inbox shows unarchived applications: partial indexes skip the archived ones.
            models.Index(
                fields=["to_company", "-created_at", "-id"],
                name="ja_company_live_idx",
                condition=models.Q(archived_at__isnull=True),
            ),
            models.Index(
                fields=["to_company", "state"],
                name="ja_company_live_state_idx",
                condition=models.Q(archived_at__isnull=True),
            ),
            # Prescriber's sent list.
            models.Index(fields=["sender_prescriber_organization", "-created_at"], name="ja_prescriber_created_idx"),
            models.Index(fields=["job_seeker", "-created_at"], name="ja_job_seeker_created_idx"),
            # Daily jobs: idle applications of some states (reminder, auto-refusal, auto-archive).
            models.Index(fields=["state", "updated_at"], name="ja_state_updated_idx"),
            # Institutions' dashboards: hires of the month, France-wide (itou/www/dashboard/counters.py).
            models.Index(
                fields=["hiring_start_at"], name="ja_accepted_start_idx", condition=models.Q(state="accepted")
            ),
        ]

    def __str__(self):
        return f"Candidature de {self.job_seeker} chez {self.to_company}"

    @property
    def is_spontaneous(self) -> bool:
        # Needs selected_jobs prefetched in lists.
        return not self.selected_jobs.all()

    @property
    def is_archivable(self) -> bool:
        return self.state in ARCHIVABLE_STATES


class JobApplicationTransitionLog(models.Model):
    """Who fired which transition, when, from which state to which (the timeline)."""

    job_application = models.ForeignKey(
        JobApplication, verbose_name="candidature", on_delete=models.CASCADE, related_name="logs"
    )
    transition = models.CharField("transition", max_length=30)
    from_state = models.CharField("état de départ", max_length=20, choices=JobApplicationState.choices)
    to_state = models.CharField("état d'arrivée", max_length=20, choices=JobApplicationState.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide quand la plateforme a fait la transition elle-même.",
    )
    # What the transition carried, shown in the timeline (comment, reason, dates…).
    details = models.JSONField("détails", default=dict, blank=True)
    timestamp = models.DateTimeField("date", default=timezone.now)

    class Meta:
        verbose_name = "transition de candidature"
        verbose_name_plural = "transitions de candidature"
        ordering = ["timestamp", "pk"]
        indexes = [models.Index(fields=["job_application", "timestamp"], name="ja_log_application_idx")]

    def __str__(self):
        return f"{self.transition} : {self.from_state} → {self.to_state}"


class JobApplicationComment(models.Model):
    """A note of the receiving employer's members: only their colleagues see it."""

    job_application = models.ForeignKey(
        JobApplication, verbose_name="candidature", on_delete=models.CASCADE, related_name="comments"
    )
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField("commentaire")
    created_at = models.DateTimeField("écrit le", default=timezone.now)

    class Meta:
        verbose_name = "commentaire interne"
        verbose_name_plural = "commentaires internes"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Commentaire de {self.author} ({self.created_at:%d/%m/%Y})"


class NewApplicationNotificationOptOut(models.Model):
    """A member of an employer who does not want the "new application" email for one job
    description (or, with no job description, for spontaneous applications).

    Opt-out rows rather than opt-in ones (docs/candidatures.md, Les e-mails): by default a
    member is told of everything, so the members who existed before this setting, and those
    who join later, keep getting every new application without any row to create. A member
    deactivated then reactivated finds their choices again (rows follow the membership).
    """

    membership = models.ForeignKey(
        "companies.CompanyMembership",
        verbose_name="membre",
        on_delete=models.CASCADE,
        related_name="new_application_opt_outs",
    )
    job_description = models.ForeignKey(
        "companies.JobDescription",
        verbose_name="fiche de poste",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="new_application_opt_outs",
        help_text="Vide : les candidatures spontanées.",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "désabonnement aux nouvelles candidatures"
        verbose_name_plural = "désabonnements aux nouvelles candidatures"
        constraints = [
            # NULL != NULL in a unique constraint: spontaneous applications get their own.
            models.UniqueConstraint(
                fields=["membership", "job_description"],
                condition=models.Q(job_description__isnull=False),
                name="ja_optout_unique_job_description",
                violation_error_message="Ce membre est déjà désabonné de cette fiche de poste.",
            ),
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(job_description__isnull=True),
                name="ja_optout_unique_spontaneous",
                violation_error_message="Ce membre est déjà désabonné des candidatures spontanées.",
            ),
        ]

    def __str__(self):
        target = self.job_description_id or "candidatures spontanées"
        return f"{self.membership_id} ne veut plus d'e-mail : {target}"
