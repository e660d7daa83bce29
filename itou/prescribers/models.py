from django.conf import settings
from django.db import models
from django.utils import timezone
from stdnum.fr import siret as stdnum_siret

from itou.companies.validators import validate_siret
from itou.prescribers.enums import AUTHORIZED_BY_LAW_KINDS, PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.utils.models import BaseMembership, OrganizationQuerySet


def default_authorization_status(kind: str) -> str:
    """The authorization status of a new organization of this kind."""
    if kind in AUTHORIZED_BY_LAW_KINDS:
        return PrescriberAuthorizationStatus.VALIDATED
    return PrescriberAuthorizationStatus.NOT_SET


class PrescriberOrganizationQuerySet(OrganizationQuerySet):
    member_list_related = ("commune",)

    def authorized(self):
        return self.filter(authorization_status=PrescriberAuthorizationStatus.VALIDATED)


class PrescriberOrganization(models.Model):
    """An organization whose members send job seekers to employers.

    When its authorization is validated its members are "prescripteurs habilités";
    otherwise they are "orienteurs".
    """

    siret = models.CharField("SIRET", max_length=14, validators=[validate_siret], db_index=True)
    kind = models.CharField("type", max_length=20, choices=PrescriberOrganizationKind.choices)
    name = models.CharField("nom", max_length=255)
    address_line = models.CharField("adresse", max_length=255, blank=True)
    post_code = models.CharField("code postal", max_length=5, blank=True)
    commune = models.ForeignKey(
        "geo.Commune",
        verbose_name="commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="prescriber_organizations",
    )
    # The geocoded address when known, else the commune's centre (distance search).
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)
    website = models.URLField("site web", blank=True)
    description = models.TextField("description", blank=True)
    authorization_status = models.CharField(
        "habilitation",
        max_length=20,
        choices=PrescriberAuthorizationStatus.choices,
        default=PrescriberAuthorizationStatus.NOT_SET,
    )
    authorization_updated_at = models.DateTimeField("habilitation mise à jour le", null=True, blank=True)
    authorization_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="habilitation mise à jour par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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

    objects = PrescriberOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation prescriptrice"
        verbose_name_plural = "organisations prescriptrices"
        ordering = ["name", "pk"]
        indexes = [
            models.Index(
                fields=["latitude", "longitude"],
                name="prescriber_auth_coords_idx",
                condition=models.Q(authorization_status="VALIDATED"),
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["siret", "kind"],
                name="prescriberorganization_unique_siret_kind",
                violation_error_message="Une organisation de ce type existe déjà avec ce SIRET.",
            ),
            models.CheckConstraint(
                condition=models.Q(siret__regex=r"^[0-9]{14}$"),
                name="prescriberorganization_siret_format",
                violation_error_message="Le numéro SIRET doit comporter 14 chiffres.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PrescriberOrganizationKind.values),
                name="prescriberorganization_kind_valid",
                violation_error_message="Ce type d'organisation n'existe pas.",
            ),
            models.CheckConstraint(
                condition=models.Q(authorization_status__in=PrescriberAuthorizationStatus.values),
                name="prescriberorganization_authorization_status_valid",
                violation_error_message="Ce statut d'habilitation n'existe pas.",
            ),
            models.CheckConstraint(
                condition=models.Q(post_code="") | models.Q(post_code__regex=r"^[0-9]{5}$"),
                name="prescriberorganization_post_code_format",
                violation_error_message="Le code postal doit comporter 5 chiffres.",
            ),
            models.CheckConstraint(
                condition=models.Q(authorization_updated_by__isnull=True)
                | models.Q(authorization_updated_at__isnull=False),
                name="prescriberorganization_authorization_updated_by_has_date",
                violation_error_message="La date de mise à jour de l'habilitation est obligatoire avec son auteur.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if self._state.adding and self.authorization_status == PrescriberAuthorizationStatus.NOT_SET:
            # Authorized by law from the start: no staff decision to wait for.
            self.authorization_status = default_authorization_status(self.kind)
            if self.authorization_status == PrescriberAuthorizationStatus.VALIDATED:
                self.authorization_updated_at = self.authorization_updated_at or timezone.now()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        if self.siret:
            self.siret = stdnum_siret.compact(self.siret)
        super().clean_fields(exclude=exclude)

    @property
    def is_authorized(self) -> bool:
        return self.authorization_status == PrescriberAuthorizationStatus.VALIDATED

    @property
    def is_authorized_by_law(self) -> bool:
        return self.kind in AUTHORIZED_BY_LAW_KINDS


class PrescriberMembership(BaseMembership):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="prescriber_memberships",
    )
    organization = models.ForeignKey(
        PrescriberOrganization,
        verbose_name="organisation",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    is_admin = models.BooleanField("administrateur de l'organisation", default=False)
    organization_label = "d'une organisation"

    class Meta(BaseMembership.Meta):
        verbose_name = "membre d'une organisation prescriptrice"
        verbose_name_plural = "membres d'une organisation prescriptrice"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"],
                name="prescribermembership_unique_user_organization",
                violation_error_message="Cet utilisateur est déjà membre de cette organisation.",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"
