import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from stdnum.fr import siret as stdnum_siret

from itou.companies.enums import (
    CONTRACT_TYPES_BY_COMPANY_KIND,
    SEARCHABLE_COMPANY_KINDS,
    SIAE_KINDS,
    CompanyKind,
    CompanySource,
    ContractType,
)
from itou.companies.validators import validate_siret
from itou.utils.models import BaseMembership, OrganizationQuerySet

# An SIAE whose ASP convention has ended stays usable during this period, then becomes inactive.
SIAE_CONVENTION_GRACE_PERIOD = datetime.timedelta(days=30)

SIRET_FORMAT_CONDITION = models.Q(siret__regex=r"^[0-9]{14}$")
POST_CODE_FORMAT_CONDITION = models.Q(post_code="") | models.Q(post_code__regex=r"^[0-9]{5}$")


class CompanyQuerySet(OrganizationQuerySet):
    member_list_related = ("commune",)

    def siae(self):
        return self.filter(kind__in=SIAE_KINDS)

    def active(self, *, today: datetime.date | None = None):
        """Usable companies: active, and for an SIAE whose convention ended, within the grace period."""
        today = today or timezone.localdate()
        return self.filter(is_active=True).filter(
            models.Q(convention_end_date__isnull=True)
            | models.Q(convention_end_date__gte=today - SIAE_CONVENTION_GRACE_PERIOD)
        )


class Company(models.Model):
    """An employer ("employeur solidaire"): an SIAE, a GEIQ, an EA/EATT or an OPCS.

    One establishment is identified by its SIRET and its kind: the same SIRET may carry
    several kinds (an association running both an AI and an ACI).
    """

    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret], db_index=True)
    kind = models.CharField("type", max_length=6, choices=CompanyKind.choices)
    name = models.CharField("nom", max_length=255)
    brand = models.CharField("enseigne", max_length=255, blank=True)
    address_line = models.CharField("adresse", max_length=255, blank=True)
    post_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="companies",
    )
    # Where the establishment is: the geocoded address when known, else the commune's centre.
    # Indexed together for the bounding-box prefilter of distance searches.
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    official_email = models.EmailField(
        "adresse e-mail officielle",
        blank=True,
        help_text="Celle des listes officielles (ASP, GEIQ, EA) : les liens d'inscription des employeurs y sont envoyés.",
    )
    website = models.URLField("site web", blank=True)
    description = models.TextField("description", blank=True)
    spontaneous_applications_open_since = models.DateTimeField(
        "candidatures spontanées ouvertes depuis",
        null=True,
        blank=True,
        help_text="Vide quand la structure ne reçoit pas de candidatures spontanées.",
    )
    is_active = models.BooleanField("active", default=True)
    convention_start_date = models.DateField("début de la convention", null=True, blank=True)
    convention_end_date = models.DateField(
        "fin de la convention",
        null=True,
        blank=True,
        help_text="Pour une SIAE : date de fin de la convention avec l'État (ASP).",
    )
    source = models.CharField(
        "origine", max_length=20, choices=CompanySource.choices, default=CompanySource.STAFF_CREATED
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="structure mère",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="antennes",
        help_text="Pour une antenne : la structure conventionnée (même SIREN, même type).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = "employeur"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret", "kind"],
                name="company_unique_siret_kind",
                violation_error_message="Un employeur de ce type existe déjà avec ce SIRET.",
            ),
            models.CheckConstraint(
                condition=SIRET_FORMAT_CONDITION,
                name="company_siret_format",
                violation_error_message="Le numéro SIRET doit comporter 14 chiffres.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CompanyKind.values),
                name="company_kind_valid",
                violation_error_message="Ce type d'employeur n'existe pas.",
            ),
            models.CheckConstraint(
                condition=models.Q(source__in=CompanySource.values),
                name="company_source_valid",
                violation_error_message="Cette origine n'existe pas.",
            ),
            models.CheckConstraint(
                condition=POST_CODE_FORMAT_CONDITION,
                name="company_post_code_format",
                violation_error_message="Le code postal doit comporter 5 chiffres.",
            ),
        ]
        indexes = [models.Index(fields=["latitude", "longitude"], name="company_coords_idx")]

    def __str__(self):
        return f"{self.display_name} ({self.kind})"

    def clean_fields(self, exclude=None):
        # Accept "123 456 789 00012": the validators and the database see the compact form.
        if self.siret:
            self.siret = stdnum_siret.compact(self.siret)
        super().clean_fields(exclude=exclude)

    @property
    def is_siae(self) -> bool:
        return self.kind in SIAE_KINDS

    @property
    def display_name(self) -> str:
        return self.brand or self.name

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def spontaneous_applications_open(self) -> bool:
        return self.spontaneous_applications_open_since is not None


class CompanyMembership(BaseMembership):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="company_memberships",
    )
    company = models.ForeignKey(Company, verbose_name="employeur", on_delete=models.CASCADE, related_name="memberships")
    is_admin = models.BooleanField("administrateur de la structure", default=False)
    organization_label = "d'une structure"

    class Meta(BaseMembership.Meta):
        verbose_name = "membre d'un employeur"
        verbose_name_plural = "membres d'un employeur"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "company"],
                name="companymembership_unique_user_company",
                violation_error_message="Cet utilisateur est déjà membre de cette structure.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.company}"


# A job description with no update for this long closes itself (daily job); admins are told.
JOB_DESCRIPTION_STALE_AFTER = datetime.timedelta(days=90)
MAX_HOURS_PER_WEEK = 48


class JobDescriptionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)

    def searchable(self, *, today: datetime.date | None = None):
        """Open job descriptions of employers shown to the public (itou.companies.queries.
        searchable_companies), read from the employer's columns copied on the row: the
        conditions of jd_searchable_coords_idx, then the convention's grace period."""
        today = today or timezone.localdate()
        return self.filter(is_open=True, company_searchable=True).filter(
            models.Q(company_convention_end_date__isnull=True)
            | models.Q(company_convention_end_date__gte=today - SIAE_CONVENTION_GRACE_PERIOD)
        )


class JobDescription(models.Model):
    """A job offered by an employer ("fiche de poste")."""

    company = models.ForeignKey(
        Company, verbose_name="employeur", on_delete=models.CASCADE, related_name="job_descriptions"
    )
    appellation = models.ForeignKey(
        "jobs.Appellation", verbose_name="métier (ROME)", on_delete=models.PROTECT, related_name="job_descriptions"
    )
    custom_title = models.CharField(
        "intitulé du poste", max_length=255, blank=True, help_text="Laissez vide pour utiliser le nom du métier."
    )
    description = models.TextField("description du poste", blank=True)
    profile_sought = models.TextField("profil recherché", blank=True)
    contract_type = models.CharField("type de contrat", max_length=30, choices=ContractType.choices)
    other_contract_type = models.CharField("précisez le type de contrat", max_length=255, blank=True)
    hours_per_week = models.PositiveSmallIntegerField("nombre d'heures par semaine", null=True, blank=True)
    open_positions = models.PositiveSmallIntegerField("nombre de postes ouverts", default=1)
    location = models.ForeignKey(
        "geo.Commune",
        verbose_name="lieu de travail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="job_descriptions",
        help_text="Laissez vide si le poste est à l'adresse de la structure.",
    )
    # Copied from the location (or the company) when saved: distance search needs no join.
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    # Copied from the appellation's ROME code when saved: the domain filter of the search
    # probes an index of the company's open job descriptions, without joining the ROME tables.
    rome_domain = models.ForeignKey(
        "jobs.RomeDomain",
        verbose_name="grand domaine ROME",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Copied from the employer by the database itself (triggers of migration 0004), whatever
    # writes either row (services, admin, imports, queryset updates, COPY): the public search
    # filters and counts the open job descriptions of searchable employers on one covering
    # index, without joining the employers (docs/recherche.md). `company_searchable`: active
    # and of a kind shown to the public (SEARCHABLE_COMPANY_KINDS); the
    # convention's grace period depends on the day, so its end date is copied as it is.
    company_kind = models.CharField("type de l'employeur", max_length=6, blank=True, editable=False)
    company_searchable = models.BooleanField("employeur visible dans la recherche", default=False, editable=False)
    company_convention_end_date = models.DateField(
        "fin de la convention de l'employeur", null=True, blank=True, editable=False
    )
    is_cv_required = models.BooleanField("CV nécessaire pour postuler", default=False)
    is_open = models.BooleanField("recrutement ouvert", default=True)
    ui_rank = models.PositiveIntegerField("ordre d'affichage", default=0)
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", default=timezone.now)

    objects = JobDescriptionQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche de poste"
        verbose_name_plural = "fiches de poste"
        ordering = ["ui_rank", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_per_week__isnull=True)
                | models.Q(hours_per_week__gte=1, hours_per_week__lte=MAX_HOURS_PER_WEEK),
                name="jobdescription_hours_per_week_range",
                violation_error_message=f"Le nombre d'heures par semaine doit être compris entre 1 et {MAX_HOURS_PER_WEEK}.",
            ),
            models.CheckConstraint(
                condition=models.Q(open_positions__gte=1),
                name="jobdescription_open_positions_positive",
                violation_error_message="Il faut au moins un poste ouvert.",
            ),
            models.CheckConstraint(
                condition=models.Q(contract_type__in=ContractType.values),
                name="jobdescription_contract_type_valid",
                violation_error_message="Ce type de contrat n'existe pas.",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "ui_rank"], name="jd_company_rank_idx"),
            # The public search reads only this index (index-only scan): the open job
            # descriptions of searchable employers by coordinates, with what its filters,
            # count and order need (docs/recherche.md).
            models.Index(
                fields=["latitude", "longitude"],
                include=[
                    "updated_at",
                    "id",
                    "company_convention_end_date",
                    "company_kind",
                    "contract_type",
                    "rome_domain",
                    "appellation",
                ],
                name="jd_searchable_coords_idx",
                condition=models.Q(is_open=True, company_searchable=True),
            ),
            models.Index(fields=["updated_at"], name="jd_open_updated_idx", condition=models.Q(is_open=True)),
            models.Index(
                fields=["company", "rome_domain"], name="jd_open_company_domain_idx", condition=models.Q(is_open=True)
            ),
            models.Index(fields=["appellation"], name="jd_open_appellation_idx", condition=models.Q(is_open=True)),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, update_fields=None, **kwargs):
        self.copy_company_fields()
        if update_fields is None or "appellation" in update_fields or "appellation_id" in update_fields:
            self.set_rome_domain()
            if update_fields is not None:
                update_fields = {*update_fields, "rome_domain"}
        super().save(*args, update_fields=update_fields, **kwargs)
        self._loaded_appellation_id = self.appellation_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_appellation_id = instance.__dict__.get("appellation_id")
        return instance

    def copy_company_fields(self) -> None:
        """Copy the employer's columns kept on the row when the employer is already loaded (no
        query): the database writes the same values anyway (trigger), this keeps the instance
        in step with its row."""
        company = self._state.fields_cache.get("company")
        if company is None or company.pk != self.company_id:
            return
        self.company_kind = company.kind
        self.company_searchable = bool(company.is_active) and company.kind in SEARCHABLE_COMPANY_KINDS
        self.company_convention_end_date = company.convention_end_date

    def set_rome_domain(self) -> None:
        """Copy the appellation's ROME domain (no query when the appellation comes with its ROME code)."""
        if self.appellation_id is None:
            self.rome_domain_id = None
            return
        cached = self._state.fields_cache.get("appellation")
        if cached is not None and cached.pk == self.appellation_id and "rome" in cached._state.fields_cache:
            self.rome_domain_id = cached.rome.domain_id
        elif self.rome_domain_id is None or self.appellation_id != getattr(self, "_loaded_appellation_id", None):
            from itou.jobs.models import Rome

            self.rome_domain_id = (
                Rome.objects.filter(appellations=self.appellation_id).values_list("domain_id", flat=True).first()
            )

    @property
    def display_name(self) -> str:
        return self.custom_title or self.appellation.name

    def clean(self):
        from django.core.exceptions import ValidationError

        super().clean()
        if self.company_id and self.contract_type:
            allowed = CONTRACT_TYPES_BY_COMPANY_KIND.get(self.company.kind, ())
            if self.contract_type not in allowed:
                raise ValidationError(
                    {"contract_type": "Ce type de contrat n'est pas possible pour ce type de structure."}
                )
        if self.contract_type == ContractType.OTHER and not self.other_contract_type:
            raise ValidationError({"other_contract_type": "Précisez le type de contrat."})
