from django.conf import settings
from django.db import models

from itou.institutions.enums import DEPARTMENTAL_KINDS, NATIONAL_KINDS, REGIONAL_KINDS, InstitutionKind
from itou.utils.models import BaseMembership, OrganizationQuerySet


class InstitutionQuerySet(OrganizationQuerySet):
    member_list_related = ("department", "region")


class Institution(models.Model):
    """A State service whose members (labor inspectors) oversee employers of their area:
    a DDETS covers a department, a DREETS a region, the DGEFP the whole country."""

    kind = models.CharField("type", max_length=20, choices=InstitutionKind.choices)
    name = models.CharField("nom", max_length=255)
    department = models.ForeignKey(
        "geo.Department",
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text="Obligatoire pour une DDETS, vide sinon.",
    )
    region = models.ForeignKey(
        "geo.Region",
        verbose_name="région",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="institutions",
        help_text="Obligatoire pour une DREETS, vide sinon.",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = "institution partenaire"
        verbose_name_plural = "institutions partenaires"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=InstitutionKind.values),
                name="institution_kind_valid",
                violation_error_message="Ce type d'institution n'existe pas.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(DEPARTMENTAL_KINDS))
                | models.Q(department__isnull=False, region__isnull=True),
                name="institution_ddets_has_department",
                violation_error_message="Une DDETS est rattachée à un département (et pas à une région).",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(REGIONAL_KINDS))
                | models.Q(region__isnull=False, department__isnull=True),
                name="institution_dreets_has_region",
                violation_error_message="Une DREETS est rattachée à une région (et pas à un département).",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(NATIONAL_KINDS))
                | models.Q(region__isnull=True, department__isnull=True),
                name="institution_dgefp_is_national",
                violation_error_message="La DGEFP est nationale : ni département ni région.",
            ),
            models.UniqueConstraint(
                fields=["kind", "department"],
                condition=models.Q(department__isnull=False),
                name="institution_unique_kind_department",
                violation_error_message="Une institution de ce type existe déjà pour ce département.",
            ),
            models.UniqueConstraint(
                fields=["kind", "region"],
                condition=models.Q(region__isnull=False),
                name="institution_unique_kind_region",
                violation_error_message="Une institution de ce type existe déjà pour cette région.",
            ),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(kind__in=sorted(NATIONAL_KINDS)),
                name="institution_unique_national_kind",
                violation_error_message="Cette direction nationale existe déjà.",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_departmental(self) -> bool:
        return self.kind in DEPARTMENTAL_KINDS

    @property
    def is_regional(self) -> bool:
        return self.kind in REGIONAL_KINDS

    @property
    def is_national(self) -> bool:
        return self.kind in NATIONAL_KINDS


class InstitutionMembership(BaseMembership):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="institution_memberships",
    )
    institution = models.ForeignKey(
        Institution, verbose_name="institution", on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField("administrateur de l'institution", default=False)
    organization_label = "d'une institution"

    class Meta(BaseMembership.Meta):
        verbose_name = "membre d'une institution partenaire"
        verbose_name_plural = "membres d'une institution partenaire"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"],
                name="institutionmembership_unique_user_institution",
                violation_error_message="Cet utilisateur est déjà membre de cette institution.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.institution}"
