"""The marketplace ("marché de l'inclusion", docs/marche.md): the commercial profile of
employers, buyers and their organizations, needs, the employers told of each need and
their answers, buyers' lists of employers."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from itou.marketplace.enums import (
    AnswerStatus,
    AreaKind,
    BudgetBand,
    BuyerKind,
    NeedKind,
    NeedOutcome,
    NeedStatus,
    NotificationMode,
    TurnoverBand,
)
from itou.utils.models import BaseMembership, OrganizationQuerySet

ATTACHMENT_MAX_SIZE = 5 * 1024 * 1024
IMAGE_MAX_SIZE = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5


def _random_name(prefix: str, extension: str) -> str:
    # Never the uploader's file name (collisions, guessable paths): a random one.
    return f"{prefix}/{uuid.uuid4().hex}.{extension}"


def image_upload_to(instance, filename):
    return _random_name("marketplace/images", "jpg")


def attachment_upload_to(instance, filename):
    return _random_name("marketplace/needs", "pdf")


class Sector(models.Model):
    """A sector of the commercial offer (our own reference list, data/sectors.csv)."""

    code = models.SlugField("code", max_length=60, unique=True)
    family = models.CharField("famille", max_length=100)
    name = models.CharField("nom", max_length=150)

    class Meta:
        verbose_name = "secteur d'activité"
        verbose_name_plural = "secteurs d'activité"
        ordering = ["family", "name"]

    def __str__(self):
        return self.name


class CommercialProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True, company__is_active=True)


class CommercialProfile(models.Model):
    """What an employer sells, where, with what capacity: its shop window to buyers."""

    company = models.OneToOneField(
        "companies.Company", verbose_name="employeur", on_delete=models.CASCADE, related_name="commercial_profile"
    )
    sectors = models.ManyToManyField(Sector, verbose_name="secteurs d'activité", related_name="profiles")
    offer = models.TextField(
        "ce que vous proposez",
        help_text="Vos prestations et produits, en quelques phrases : les acheteurs lisent ce texte.",
    )
    area_kind = models.CharField(
        "où intervenez-vous ?", max_length=12, choices=AreaKind.choices, default=AreaKind.RADIUS
    )
    radius_km = models.PositiveSmallIntegerField("rayon d'intervention (km)", default=30)
    departments = ArrayField(
        models.CharField(max_length=3), verbose_name="départements d'intervention", default=list, blank=True
    )
    staff_count = models.PositiveIntegerField("effectif (salariés)", null=True, blank=True)
    turnover_band = models.CharField(
        "chiffre d'affaires annuel", max_length=8, choices=TurnoverBand.choices, blank=True
    )
    labels = models.TextField("labels et certifications", blank=True)
    references = models.TextField("références", blank=True)
    contact_name = models.CharField("nom du contact commercial", max_length=150)
    contact_email = models.EmailField("e-mail du contact commercial")
    contact_phone = models.CharField("téléphone du contact commercial", max_length=20, blank=True)
    can_cocontract = models.BooleanField("peut répondre à plusieurs (groupement, co-traitance)", default=False)
    image = models.FileField("logo ou photo", upload_to=image_upload_to, blank=True, max_length=255)
    is_published = models.BooleanField("publié", default=False)
    notification_mode = models.CharField(
        "e-mails des nouveaux besoins", max_length=8, choices=NotificationMode.choices, default=NotificationMode.INSTANT
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)

    objects = CommercialProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "profil commercial"
        verbose_name_plural = "profils commerciaux"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(radius_km__gte=1, radius_km__lte=500),
                name="commercialprofile_radius_range",
                violation_error_message="Le rayon d'intervention va de 1 à 500 km.",
            ),
        ]
        indexes = [models.Index(fields=["is_published", "area_kind"], name="commercialprofile_pub_idx")]

    def __str__(self):
        return f"Profil commercial de {self.company}"


class BuyerOrganization(models.Model):
    """A public buyer or a company that buys from inclusive employers."""

    siret = models.CharField("SIRET", max_length=14, db_index=True)
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type d'acheteur", max_length=8, choices=BuyerKind.choices)
    commune = models.ForeignKey(
        "geo.Commune", verbose_name="commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    suspended_at = models.DateTimeField("suspendu le", null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation d'acheteurs"
        verbose_name_plural = "organisations d'acheteurs"
        constraints = [
            models.CheckConstraint(condition=models.Q(siret__regex=r"^[0-9]{14}$"), name="buyerorg_siret_format"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None


class BuyerMembership(BaseMembership):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.CASCADE, related_name="buyer_memberships"
    )
    organization = models.ForeignKey(
        BuyerOrganization, verbose_name="organisation", on_delete=models.CASCADE, related_name="memberships"
    )
    is_admin = models.BooleanField("administrateur de l'organisation d'acheteurs", default=False)
    job_title = models.CharField("fonction", max_length=150, blank=True)

    class Meta(BaseMembership.Meta):
        verbose_name = "membre d'une organisation d'acheteurs"
        verbose_name_plural = "membres d'une organisation d'acheteurs"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="buyermembership_unique_user_org"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"

    def clean(self):
        # Not BaseMembership.clean: buyers are not professionals of the integration sector.
        if self.user_id and not self.user.is_buyer:
            raise ValidationError({"user": "Seul un compte acheteur peut être membre d'une organisation d'acheteurs."})


class NeedQuerySet(models.QuerySet):
    def for_buyer(self, organization):
        return self.filter(buyer=organization)

    def open(self):
        return self.filter(status=NeedStatus.PUBLISHED)


class Need(models.Model):
    """What a buyer wants to buy ("besoin")."""

    buyer = models.ForeignKey(
        BuyerOrganization, verbose_name="acheteur", on_delete=models.PROTECT, related_name="needs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("titre", max_length=200)
    kind = models.CharField("type de besoin", max_length=8, choices=NeedKind.choices)
    sectors = models.ManyToManyField(Sector, verbose_name="secteurs d'activité", related_name="needs")
    commune = models.ForeignKey(
        "geo.Commune", verbose_name="lieu d'exécution", on_delete=models.PROTECT, related_name="+"
    )
    # Copied from the commune: the steering figures group by department without a join.
    department = models.ForeignKey(
        "geo.Department", verbose_name="département", on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.FloatField("latitude")
    longitude = models.FloatField("longitude")
    deadline = models.DateField("date limite de réponse")
    description = models.TextField("description")
    budget_band = models.CharField("budget", max_length=8, choices=BudgetBand.choices, default=BudgetBand.UNKNOWN)
    status = models.CharField("état", max_length=16, choices=NeedStatus.choices, default=NeedStatus.PENDING_REVIEW)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    outcome = models.CharField("issue", max_length=10, choices=NeedOutcome.choices, blank=True)
    winner = models.ForeignKey(
        "companies.Company",
        verbose_name="employeur retenu",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="won_needs",
    )
    amount = models.PositiveIntegerField("montant approximatif (€ HT)", null=True, blank=True)

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = "besoin"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="need_buyer_idx"),
            models.Index(fields=["status", "department"], name="need_status_dept_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="won") | models.Q(winner__isnull=False),
                name="need_won_has_winner",
                violation_error_message="Indiquez l'employeur retenu.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == NeedStatus.PUBLISHED


class NeedAttachment(models.Model):
    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField("fichier", upload_to=attachment_upload_to, max_length=255)
    name = models.CharField("nom du fichier", max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    created_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "pièce jointe d'un besoin"
        verbose_name_plural = "pièces jointes des besoins"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class NeedRecipientQuerySet(models.QuerySet):
    def for_company(self, company):
        return self.filter(company=company)

    def answered(self):
        return self.exclude(answer=AnswerStatus.PENDING)


class NeedRecipient(models.Model):
    """An employer the need was sent to (it matched), and its answer."""

    need = models.ForeignKey(Need, verbose_name="besoin", on_delete=models.CASCADE, related_name="recipients")
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.CASCADE, related_name="need_recipients"
    )
    created_at = models.DateTimeField("reçu le", default=timezone.now)
    # Empty until the email went out (at once, or in the daily digest); stays empty when paused.
    emailed_at = models.DateTimeField("e-mail envoyé le", null=True, blank=True)
    answer = models.CharField("réponse", max_length=10, choices=AnswerStatus.choices, default=AnswerStatus.PENDING)
    message = models.TextField("message", blank=True)
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="répondu par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NeedRecipientQuerySet.as_manager()

    class Meta:
        verbose_name = "employeur destinataire d'un besoin"
        verbose_name_plural = "employeurs destinataires des besoins"
        constraints = [
            models.UniqueConstraint(fields=["need", "company"], name="needrecipient_unique_need_company"),
        ]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="needrecipient_company_idx"),
            models.Index(
                fields=["created_at"], name="needrecipient_to_email_idx", condition=models.Q(emailed_at__isnull=True)
            ),
            # The interested employers of a need, and the steering figures (a tenth of the rows).
            models.Index(
                fields=["need", "company"],
                name="needrecipient_interested_idx",
                condition=models.Q(answer="interested"),
            ),
        ]

    def __str__(self):
        return f"{self.need} → {self.company}"


class BuyerList(models.Model):
    """A list of employers a buyer saved (for a procurement file)."""

    organization = models.ForeignKey(
        BuyerOrganization, verbose_name="organisation", on_delete=models.CASCADE, related_name="lists"
    )
    name = models.CharField("nom de la liste", max_length=150)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    companies = models.ManyToManyField(
        "companies.Company", verbose_name="employeurs", through="BuyerListItem", related_name="+"
    )

    class Meta:
        verbose_name = "liste d'employeurs"
        verbose_name_plural = "listes d'employeurs"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="buyerlist_unique_name"),
        ]

    def __str__(self):
        return self.name


class BuyerListItem(models.Model):
    buyer_list = models.ForeignKey(BuyerList, on_delete=models.CASCADE, related_name="items")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField("ajouté le", default=timezone.now)

    class Meta:
        verbose_name = "employeur d'une liste"
        constraints = [
            models.UniqueConstraint(fields=["buyer_list", "company"], name="buyerlistitem_unique"),
        ]

    def __str__(self):
        return f"{self.company_id} dans {self.buyer_list_id}"


class MarketplaceEvent(models.Model):
    """Who did what on the marketplace, when, on which need or buyer (the trace of every write)."""

    created_at = models.DateTimeField("le", default=timezone.now)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="par", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    event = models.CharField("action", max_length=40)
    need = models.ForeignKey(Need, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    buyer = models.ForeignKey(BuyerOrganization, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "action sur le marché"
        verbose_name_plural = "actions sur le marché"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.event} ({self.created_at:%Y-%m-%d %H:%M})"
