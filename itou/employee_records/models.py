"""Employee records ("fiches salarié") owed to the ASP for each hire with a PASS IAE,
the batch files that carry them, their update notifications and the transition log.

Statuses change only through `workflow.py` (one declared table) called by the services.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.asp import refs
from itou.employee_records.enums import BatchStatus, Civility, MovementType, NotificationStatus, Status
from itou.users.enums import EducationLevel

DURATION_CHOICES = refs.DURATIONS

# A READY or SENT record waits for the exchange: read-only for the employer.
EDITABLE_STATUSES = frozenset({Status.NEW, Status.REJECTED, Status.DISABLED, Status.PROCESSED})


class EmployeeRecordQuerySet(models.QuerySet):
    def for_company(self, company):
        return self.filter(company=company)

    def for_list(self):
        return self.select_related("job_application__job_seeker", "approval", "batch")

    def for_asp_file(self):
        """Everything the serializer reads, in one query."""
        return self.select_related(
            "birth_country",
            "company__parent",
            "approval",
            "job_application__job_seeker",
            "job_application__sender_prescriber_organization",
        )


class EmployeeRecord(models.Model):
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.NEW, db_index=True)
    company = models.ForeignKey(
        "companies.Company", verbose_name="structure", on_delete=models.PROTECT, related_name="employee_records"
    )
    job_application = models.ForeignKey(
        "job_applications.JobApplication",
        verbose_name="embauche",
        on_delete=models.PROTECT,
        related_name="employee_records",
    )
    approval = models.ForeignKey(
        "approvals.Approval", verbose_name="PASS IAE", on_delete=models.PROTECT, related_name="employee_records"
    )
    # Copies refreshed at "ready" and "enable": what the ASP knows the record by.
    approval_number = models.CharField("numéro de PASS IAE", max_length=12, db_index=True)
    asp_siret = models.CharField("SIRET transmis à l'ASP", max_length=14, db_index=True)
    asp_measure = models.CharField("mesure ASP", max_length=10)

    # Step 1: état civil
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    first_name = models.CharField("prénoms", max_length=150, blank=True)
    birthdate = models.DateField("date de naissance", null=True, blank=True)
    birth_country = models.ForeignKey(
        "asp.Country", verbose_name="pays de naissance", on_delete=models.PROTECT, null=True, blank=True
    )
    birth_commune_code = models.CharField("commune de naissance (code INSEE)", max_length=5, blank=True)
    birth_commune_name = models.CharField("commune de naissance", max_length=100, blank=True)
    nir = models.CharField("numéro de sécurité sociale", max_length=15, blank=True)
    ntt = models.CharField("numéro technique temporaire (NTT)", max_length=40, blank=True)

    # Step 2: domiciliation (HEXA)
    lane_number = models.CharField("numéro dans la voie", max_length=10, blank=True)
    lane_extension = models.CharField("extension", max_length=1, blank=True)
    lane_type = models.CharField("type de voie", max_length=5, blank=True)
    lane_name = models.CharField("nom de la voie", max_length=120, blank=True)
    address_complement = models.CharField("complément d'adresse", max_length=32, blank=True)
    post_code = models.CharField("code postal", max_length=5, blank=True)
    commune_code = models.CharField("commune (code INSEE)", max_length=5, blank=True)
    commune_name = models.CharField("commune", max_length=100, blank=True)

    # Step 3: situation avant l'embauche
    education_level = models.CharField("niveau de formation", max_length=2, choices=EducationLevel.choices, blank=True)
    france_travail_id = models.CharField("identifiant France Travail", max_length=11, blank=True)
    france_travail_since = models.CharField(
        "inscrit à France Travail depuis", max_length=2, choices=DURATION_CHOICES, blank=True
    )
    unemployed_since = models.CharField("sans emploi depuis", max_length=2, choices=DURATION_CHOICES, blank=True)
    resourceless = models.BooleanField("sans ressource", default=False)
    rsa = models.CharField("bénéficiaire du RSA", max_length=6, choices=refs.RSA_CHOICES, default="NON")
    rsa_since = models.CharField("RSA depuis", max_length=2, choices=DURATION_CHOICES, blank=True)
    ass = models.BooleanField("bénéficiaire de l'ASS", default=False)
    ass_since = models.CharField("ASS depuis", max_length=2, choices=DURATION_CHOICES, blank=True)
    aah = models.BooleanField("bénéficiaire de l'AAH", default=False)
    aah_since = models.CharField("AAH depuis", max_length=2, choices=DURATION_CHOICES, blank=True)
    rqth = models.BooleanField("RQTH", default=False)
    oeth = models.BooleanField("OETH", default=False)
    left_ase = models.BooleanField("sortant de l'ASE", default=False)
    isolated_parent = models.BooleanField("parent isolé", default=False)
    housing_issue = models.BooleanField("problème de logement", default=False)
    refugee = models.BooleanField("réfugié", default=False)
    left_prison = models.BooleanField("sortant de détention", default=False)
    low_french = models.BooleanField("maîtrise insuffisante du français", default=False)
    mobility_issue = models.BooleanField("problème de mobilité", default=False)
    # EITI only
    are = models.BooleanField("bénéficiaire de l'ARE", default=False)
    are_since = models.CharField("ARE depuis", max_length=2, choices=DURATION_CHOICES, blank=True)
    activity_bonus = models.BooleanField("bénéficiaire de la prime d'activité", default=False)
    activity_bonus_since = models.CharField(
        "prime d'activité depuis", max_length=2, choices=DURATION_CHOICES, blank=True
    )
    cape = models.BooleanField("CAPE", default=False)
    cesa = models.BooleanField("CESA", default=False)
    business_creator_name = models.CharField("acteur de la création d'entreprise", max_length=100, blank=True)
    mean_monthly_income = models.DecimalField(
        "revenu mensuel moyen (€)", max_digits=7, decimal_places=2, null=True, blank=True
    )
    contribution_rate = models.CharField(
        "taux de cotisation", max_length=2, choices=refs.EITI_CONTRIBUTIONS, blank=True
    )

    # Step 4: annexe financière (not sent: the ASP finds it from SIRET + measure)
    financial_annex_number = models.CharField("annexe financière", max_length=30, blank=True)

    # Exchange
    batch = models.ForeignKey(
        "employee_records.EmployeeRecordBatch",
        verbose_name="dernier fichier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="records",
    )
    line_number = models.PositiveIntegerField("ligne dans le fichier", null=True, blank=True)
    archived_json = models.JSONField("ligne JSON envoyée", null=True, blank=True)
    asp_code = models.CharField("code de traitement ASP", max_length=4, blank=True)
    asp_label = models.CharField("libellé de traitement ASP", max_length=250, blank=True)
    processed_at = models.DateTimeField("intégrée par l'ASP le", null=True, blank=True)
    processed_as_duplicate = models.BooleanField("intégrée suite à doublon ASP", default=False)
    status_message = models.CharField("message", max_length=250, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créée par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True, db_index=True)

    objects = EmployeeRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche salarié"
        verbose_name_plural = "fiches salarié"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["asp_measure", "asp_siret", "approval_number"],
                name="employeerecord_unique_measure_siret_approval",
                violation_error_message="Une fiche salarié pour ce PASS IAE et cette SIAE existe déjà",
            ),
            models.UniqueConstraint(
                fields=["batch", "line_number"],
                condition=models.Q(batch__isnull=False),
                name="employeerecord_unique_batch_line",
            ),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="employeerecord_status_valid"),
        ]
        indexes = [models.Index(fields=["company", "status"], name="employeerecord_company_status")]

    def __str__(self):
        return f"Fiche salarié {self.approval_number} ({self.get_status_display()})"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_eiti(self) -> bool:
        return self.asp_measure == "EITI_DC"


class EmployeeRecordBatch(models.Model):
    """One file `RIAE_FS_<YYYYMMDDHHMMSS>.json` deposited in `depot`, and its feedback.

    Written in the database (with its content) before the upload: a crash between the
    upload and the commit finds it again and never builds another file for its lines.
    """

    movement_type = models.CharField("type", max_length=1, choices=MovementType.choices)
    filename = models.CharField("nom du fichier", max_length=40, unique=True)
    status = models.CharField("état", max_length=20, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    line_count = models.PositiveIntegerField("nombre de lignes", default=0)
    content = models.TextField("contenu envoyé")
    created_at = models.DateTimeField("créé le", default=timezone.now)
    uploaded_at = models.DateTimeField("déposé le", null=True, blank=True)
    upload_attempts = models.PositiveSmallIntegerField("tentatives de dépôt", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    feedback_filename = models.CharField("fichier retour", max_length=60, blank=True)
    feedback_content = models.TextField("contenu du fichier retour", blank=True)
    feedback_at = models.DateTimeField("retour intégré le", null=True, blank=True)

    class Meta:
        verbose_name = "fichier ASP"
        verbose_name_plural = "fichiers ASP"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename

    @property
    def expected_feedback_filename(self) -> str:
        return self.filename.removesuffix(".json") + "_FichierRetour.json"


class UpdateNotification(models.Model):
    """A change of the PASS dates sent to the ASP (movement "M") after the record was known to it."""

    employee_record = models.ForeignKey(
        EmployeeRecord, verbose_name="fiche salarié", on_delete=models.CASCADE, related_name="update_notifications"
    )
    status = models.CharField(
        "état", max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.NEW, db_index=True
    )
    batch = models.ForeignKey(
        EmployeeRecordBatch,
        verbose_name="fichier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    line_number = models.PositiveIntegerField("ligne dans le fichier", null=True, blank=True)
    archived_json = models.JSONField("ligne JSON envoyée", null=True, blank=True)
    asp_code = models.CharField("code de traitement ASP", max_length=4, blank=True)
    asp_label = models.CharField("libellé de traitement ASP", max_length=250, blank=True)
    processed_at = models.DateTimeField("intégrée le", null=True, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    updated_at = models.DateTimeField("mise à jour le", default=timezone.now)

    class Meta:
        verbose_name = "notification de mise à jour"
        verbose_name_plural = "notifications de mise à jour"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee_record"],
                condition=models.Q(status=NotificationStatus.NEW),
                name="updatenotification_one_new_per_record",
            ),
        ]

    def __str__(self):
        return f"Notification {self.employee_record.approval_number} ({self.get_status_display()})"


class EmployeeRecordTransitionLog(models.Model):
    """Every transition of a record or of a notification: who, when, which file and line, which ASP code."""

    employee_record = models.ForeignKey(
        EmployeeRecord, verbose_name="fiche salarié", on_delete=models.CASCADE, related_name="logs"
    )
    notification = models.ForeignKey(
        UpdateNotification,
        verbose_name="notification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="logs",
    )
    transition = models.CharField("transition", max_length=40)
    from_status = models.CharField("état de départ", max_length=10)
    to_status = models.CharField("état d'arrivée", max_length=10)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    batch = models.ForeignKey(
        EmployeeRecordBatch, verbose_name="fichier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_number = models.PositiveIntegerField("ligne", null=True, blank=True)
    asp_code = models.CharField("code ASP", max_length=4, blank=True)
    asp_label = models.CharField("libellé ASP", max_length=250, blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "transition de fiche salarié"
        verbose_name_plural = "transitions de fiches salarié"
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.transition} : {self.from_status} → {self.to_status}"
