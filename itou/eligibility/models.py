import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.eligibility.enums import AdministrativeCriteriaLevel, AuthorKind, CertificationSource, GEIQAnnex
from itou.eligibility.rules import is_valid_on


class BaseAdministrativeCriteria(models.Model):
    kind = models.CharField("code", max_length=20, unique=True)
    level = models.CharField("niveau", max_length=1, choices=AdministrativeCriteriaLevel.choices, blank=True)
    name = models.CharField("nom", max_length=255)
    desc = models.CharField("description", max_length=255, blank=True)
    written_proof = models.CharField("justificatif", max_length=255, blank=True)
    written_proof_url = models.URLField("lien d'aide à propos du justificatif", max_length=200, blank=True)
    written_proof_validity = models.CharField("durée de validité du justificatif", max_length=255, blank=True)
    ui_rank = models.PositiveSmallIntegerField("ordre d'affichage", default=32767)

    class Meta:
        abstract = True
        ordering = ["level", "ui_rank"]

    def __str__(self):
        return self.name


class AdministrativeCriteria(BaseAdministrativeCriteria):
    """One of the 18 IAE eligibility criteria (level 1 or 2)."""

    class Meta(BaseAdministrativeCriteria.Meta):
        verbose_name = "critère administratif IAE"
        verbose_name_plural = "critères administratifs IAE"


class GEIQAdministrativeCriteria(BaseAdministrativeCriteria):
    """One of the 28 GEIQ criteria; some are grouped under a parent criterion."""

    annex = models.CharField("annexe", max_length=3, choices=GEIQAnnex.choices, default=GEIQAnnex.ANNEX_1)
    slug = models.SlugField("slug", max_length=100, blank=True)
    api_code = models.CharField("code API", max_length=50, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name="critère parent", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta(BaseAdministrativeCriteria.Meta):
        verbose_name = "critère administratif GEIQ"
        verbose_name_plural = "critères administratifs GEIQ"


def job_seeker_has_valid_approval(job_seeker, at: datetime.datetime) -> bool:
    """Whether the job seeker holds a valid PASS IAE at `at`: asked to the approvals app
    (itou.approvals.queries.job_seeker_has_valid_approval; imported here, not at the top:
    the approvals app imports this one)."""
    from itou.approvals.queries import job_seeker_has_valid_approval as has_valid_approval

    return has_valid_approval(job_seeker, at)


class BaseEligibilityDiagnosisQuerySet(models.QuerySet):
    def for_job_seeker(self, job_seeker):
        return self.filter(job_seeker=job_seeker)

    def not_expired(self, *, at: datetime.datetime | None = None):
        """Expiry day still in the future (a PASS IAE may extend an IAE diagnosis:
        see queries.get_valid_diagnosis)."""
        return self.filter(expires_at__gt=timezone.localdate(at or timezone.now()))

    def by_prescribers(self):
        return self.filter(author_kind=AuthorKind.PRESCRIBER)

    def by_company(self, company):
        return self.filter(author_kind=AuthorKind.EMPLOYER, author_company=company)

    def newest_first(self):
        return self.order_by("-created_at", "-pk")


class BaseEligibilityDiagnosis(models.Model):
    job_seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="candidat", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="auteur",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_kind = models.CharField("type d'auteur", max_length=20, choices=AuthorKind.choices)
    author_prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="organisation prescriptrice de l'auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author_company = models.ForeignKey(
        "companies.Company",
        verbose_name="structure de l'auteur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateField(
        "expire le", help_text="Premier jour où le diagnostic n'est plus valable (valable jusqu'à la veille)."
    )

    class Meta:
        abstract = True

    def __str__(self):
        return f"Diagnostic de {self.job_seeker} du {timezone.localdate(self.created_at):%d/%m/%Y}"

    @property
    def is_by_prescriber(self) -> bool:
        return self.author_kind == AuthorKind.PRESCRIBER

    @property
    def author_organization(self):
        return self.author_prescriber_organization if self.is_by_prescriber else self.author_company

    def is_expired(self, *, at: datetime.datetime | None = None) -> bool:
        return not is_valid_on(self.expires_at, timezone.localdate(at or timezone.now()))

    @property
    def last_valid_day(self):
        """The day shown to users as "valable jusqu'au" (the eve of `expires_at`)."""
        return self.expires_at - datetime.timedelta(days=1)


def _author_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=models.Q(
                author_kind=AuthorKind.PRESCRIBER,
                author_prescriber_organization__isnull=False,
                author_company__isnull=True,
            )
            | models.Q(
                author_kind=AuthorKind.EMPLOYER,
                author_prescriber_organization__isnull=True,
                author_company__isnull=False,
            ),
            name=f"{prefix}_author_organization_matches_kind",
            violation_error_message=(
                "Un diagnostic est fait soit par une organisation prescriptrice, soit par une structure."
            ),
        ),
    ]


class EligibilityDiagnosis(BaseEligibilityDiagnosis):
    """An IAE eligibility diagnosis ("diagnostic d'éligibilité"), made by an authorized
    prescriber or by the SIAE itself. Rules: itou.eligibility.rules; validity: `is_valid`."""

    administrative_criteria = models.ManyToManyField(
        AdministrativeCriteria, verbose_name="critères administratifs", blank=True, related_name="+"
    )

    objects = BaseEligibilityDiagnosisQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic d'éligibilité IAE"
        verbose_name_plural = "diagnostics d'éligibilité IAE"
        ordering = ["-created_at", "-pk"]
        constraints = _author_constraints("eligibilitydiagnosis")
        indexes = [models.Index(fields=["job_seeker", "-created_at"], name="eligdiag_job_seeker_idx")]

    def is_valid(
        self, *, at: datetime.datetime | None = None, has_valid_approval=job_seeker_has_valid_approval
    ) -> bool:
        """Valid while `expires_at` is in the future, and beyond while the job seeker holds a
        valid PASS IAE (`has_valid_approval(job_seeker, at)`, asked only when expired)."""
        at = at or timezone.now()
        return not self.is_expired(at=at) or bool(has_valid_approval(self.job_seeker, at))


class GEIQEligibilityDiagnosis(BaseEligibilityDiagnosis):
    """A GEIQ eligibility diagnosis: by an authorized prescriber or the GEIQ; it decides the
    State aid (`aid_amount`, euros). No PASS IAE extends it."""

    administrative_criteria = models.ManyToManyField(
        GEIQAdministrativeCriteria, verbose_name="critères administratifs GEIQ", blank=True, related_name="+"
    )
    aid_amount = models.PositiveSmallIntegerField(
        "montant de l'aide (euros)", help_text="Calculé à la création (rules.geiq_aid_amount)."
    )

    objects = BaseEligibilityDiagnosisQuerySet.as_manager()

    class Meta:
        verbose_name = "diagnostic d'éligibilité GEIQ"
        verbose_name_plural = "diagnostics d'éligibilité GEIQ"
        ordering = ["-created_at", "-pk"]
        constraints = _author_constraints("geiqeligibilitydiagnosis")
        indexes = [models.Index(fields=["job_seeker", "-created_at"], name="geiqdiag_job_seeker_idx")]

    def is_valid(self, *, at: datetime.datetime | None = None) -> bool:
        return not self.is_expired(at=at)

    @property
    def aid_amount_display(self) -> str:
        """1400 → "1 400 €" (narrow no-break space, as in French)."""
        return f"{self.aid_amount:,} €".replace(",", "\u202f")


class CertifiedCriterion(models.Model):
    """A criterion of an IAE diagnosis certified by a State data source ("certifié par un
    système de l'État"): the source answered that the person had this status during
    [`valid_from`, `valid_until`]. The after-the-fact control asks no proof for a criterion
    certified at the hiring date (itou.control.draw, docs/controle.md)."""

    diagnosis = models.ForeignKey(
        EligibilityDiagnosis, verbose_name="diagnostic", on_delete=models.CASCADE, related_name="certifications"
    )
    administrative_criteria = models.ForeignKey(
        AdministrativeCriteria, verbose_name="critère", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("source", max_length=30, choices=CertificationSource.choices)
    certified_at = models.DateTimeField("certifié le", default=timezone.now)
    valid_from = models.DateField("statut constaté du")
    valid_until = models.DateField("statut constaté jusqu'au (inclus)")

    class Meta:
        verbose_name = "critère certifié"
        verbose_name_plural = "critères certifiés"
        constraints = [
            models.UniqueConstraint(
                fields=["diagnosis", "administrative_criteria"], name="eligibility_certified_criterion_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="eligibility_certified_period"
            ),
        ]

    def __str__(self):
        return f"{self.administrative_criteria} — certifié ({self.get_source_display()})"

    def covers(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_until
