"""How professionals join an organization: employer signup links, invitations, join
requests, and the messages sent to the support team when a structure is unknown.

docs/rejoindre-une-organisation.md describes every path and its rules.
"""

import datetime
import functools
import hashlib
import operator

from django.conf import settings
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.invitations.enums import InvitationStatus, JoinRequestStatus

# An invitation link works this long (then the inviter sends a new one).
INVITATION_VALIDITY = datetime.timedelta(days=14)
# An employer signup link, sent to the structure's official email, works this long.
COMPANY_SIGNUP_LINK_VALIDITY = datetime.timedelta(days=3)
# No new signup link for the same structure before this delay: the official mailbox is
# not flooded by someone typing the same SIRET again and again.
COMPANY_SIGNUP_LINK_RESEND_DELAY = datetime.timedelta(minutes=5)

INVITATION_TOKEN_SALT = "itou.invitations.invitation"

# The three organization foreign keys of invitations and join requests: exactly one is set.
TARGET_FIELDS = ("company", "prescriber_organization", "institution")


def _exactly_one_target() -> models.Q:
    return functools.reduce(
        operator.or_,
        [models.Q(**{f"{name}__isnull": name != field for name in TARGET_FIELDS}) for field in TARGET_FIELDS],
    )


def hash_token(token: str) -> str:
    """What is stored of a secret token: its SHA-256 (the token itself is only in the email)."""
    return hashlib.sha256(token.encode()).hexdigest()


def target_filter(organization) -> dict:
    """The filter of invitations or join requests aimed at `organization`."""
    from itou.invitations.organizations import kind_of

    return {kind_of(organization).target_field: organization}


class CompanySignupLinkQuerySet(models.QuerySet):
    def usable(self, *, now=None):
        now = now or timezone.now()
        return self.filter(used_at__isnull=True, expires_at__gt=now)


class CompanySignupLink(models.Model):
    """A single-use link emailed to the official address of a structure, to sign up as one
    of its members. Only the hash of its token is stored."""

    company = models.ForeignKey(
        "companies.Company", verbose_name="structure", on_delete=models.CASCADE, related_name="signup_links"
    )
    email = models.EmailField("envoyé à")
    token_hash = models.CharField("empreinte du jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("envoyé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CompanySignupLinkQuerySet.as_manager()

    class Meta:
        verbose_name = "lien d'inscription employeur"
        verbose_name_plural = "liens d'inscription employeur"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["company", "created_at"], name="signuplink_company_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(used_by__isnull=True) | models.Q(used_at__isnull=False),
                name="companysignuplink_used_by_has_date",
            ),
        ]

    def __str__(self):
        return f"Lien d'inscription pour {self.company} ({self.created_at:%d/%m/%Y})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor cancelled (possibly expired)."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)

    def pending(self, *, now=None):
        """Still usable: neither accepted nor cancelled, and not expired."""
        return self.open().filter(expires_at__gt=now or timezone.now())

    def for_email(self, email: str):
        return self.filter(email=(email or "").strip().lower())

    def for_organization(self, organization):
        return self.filter(**target_filter(organization))


class Invitation(models.Model):
    """An invitation, sent by email, to join an organization ("invitation à rejoindre").

    The link in the email carries the invitation's id, signed; it works once, for
    INVITATION_VALIDITY.
    """

    email = models.EmailField("adresse e-mail")
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    company = models.ForeignKey(
        "companies.Company",
        verbose_name="structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="organisation prescriptrice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    is_admin = models.BooleanField("invité comme administrateur", default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="envoyée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="acceptée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField("annulée le", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="annulée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "invitation à rejoindre"
        verbose_name_plural = "invitations à rejoindre"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["email"], name="invitation_email_idx")]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_target(),
                name="invitation_exactly_one_organization",
                violation_error_message="Une invitation concerne une seule organisation.",
            ),
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")),
                name="invitation_email_lowercase",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="invitation_not_accepted_and_cancelled",
                violation_error_message="Une invitation ne peut pas être à la fois acceptée et annulée.",
            ),
            *[
                # One open invitation per person and organization: inviting again replaces it.
                models.UniqueConstraint(
                    fields=["email", field],
                    condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                    name=f"invitation_unique_open_{field}",
                    violation_error_message="Une invitation est déjà en cours pour cette adresse e-mail.",
                )
                for field in TARGET_FIELDS
            ],
        ]

    def __str__(self):
        return f"Invitation de {self.email} à rejoindre {self.organization}"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        if self.expires_at is None:
            self.expires_at = (self.created_at or timezone.now()) + INVITATION_VALIDITY
        super().save(*args, **kwargs)

    @property
    def organization(self):
        """The company, prescriber organization or institution (exactly one is set)."""
        return self.company or self.prescriber_organization or self.institution

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.cancelled_at:
            return InvitationStatus.CANCELLED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING

    @property
    def token(self) -> str:
        return signing.dumps(self.pk, salt=INVITATION_TOKEN_SALT)

    @classmethod
    def pk_from_token(cls, token: str) -> int | None:
        """The id carried by a link's token, or None if the token was not signed by us.

        The signature expires with INVITATION_VALIDITY; the stored `expires_at` decides too.
        """
        try:
            value = signing.loads(token, salt=INVITATION_TOKEN_SALT, max_age=INVITATION_VALIDITY)
        except signing.BadSignature:  # SignatureExpired included
            return None
        return value if isinstance(value, int) else None

    def get_accept_path(self) -> str:
        return reverse("invitations:accept", kwargs={"token": self.token})


class JoinRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=JoinRequestStatus.PENDING)

    def for_organization(self, organization):
        return self.filter(**target_filter(organization))


class JoinRequest(models.Model):
    """A professional asks to join an organization; its admins (or the support team when
    it has none) accept or decline."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="demandeur", on_delete=models.CASCADE, related_name="join_requests"
    )
    company = models.ForeignKey(
        "companies.Company",
        verbose_name="structure",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="join_requests",
    )
    prescriber_organization = models.ForeignKey(
        "prescribers.PrescriberOrganization",
        verbose_name="organisation prescriptrice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="join_requests",
    )
    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="join_requests",
    )
    status = models.CharField(
        "statut", max_length=10, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    created_at = models.DateTimeField("demandée le", default=timezone.now)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="décidée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande pour rejoindre"
        verbose_name_plural = "demandes pour rejoindre"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_target(),
                name="joinrequest_exactly_one_organization",
                violation_error_message="Une demande concerne une seule organisation.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JoinRequestStatus.values),
                name="joinrequest_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status=JoinRequestStatus.PENDING, decided_at__isnull=True)
                | (~models.Q(status=JoinRequestStatus.PENDING) & models.Q(decided_at__isnull=False)),
                name="joinrequest_decided_has_date",
                violation_error_message="Une demande décidée a une date de décision, une demande en attente n'en a pas.",
            ),
            *[
                models.UniqueConstraint(
                    fields=["user", field],
                    condition=models.Q(status=JoinRequestStatus.PENDING),
                    name=f"joinrequest_unique_pending_{field}",
                    violation_error_message="Une demande est déjà en attente pour cette organisation.",
                )
                for field in TARGET_FIELDS
            ],
        ]

    def __str__(self):
        return f"Demande de {self.user} pour rejoindre {self.organization}"

    @property
    def organization(self):
        """The company, prescriber organization or institution (exactly one is set)."""
        return self.company or self.prescriber_organization or self.institution

    @property
    def is_pending(self) -> bool:
        return self.status == JoinRequestStatus.PENDING


class SupportRequest(models.Model):
    """A message to the support team from an employer whose structure is not listed
    (the team checks it and creates the structure in the back-office)."""

    first_name = models.CharField("prénom", max_length=150)
    last_name = models.CharField("nom", max_length=150)
    email = models.EmailField("adresse e-mail")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    siret = models.CharField("SIRET", max_length=14)
    company_name = models.CharField("nom de la structure", max_length=255)
    company_kind = models.CharField("type de structure", max_length=6, choices=CompanyKind.choices, blank=True)
    message = models.TextField("message")
    created_at = models.DateTimeField("envoyée le", default=timezone.now)
    handled_at = models.DateTimeField("traitée le", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="traitée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "demande d'inscription au support"
        verbose_name_plural = "demandes d'inscription au support"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(siret__regex=r"^[0-9]{14}$"), name="supportrequest_siret_format"),
        ]

    def __str__(self):
        return f"{self.company_name} ({self.siret}) — {self.first_name} {self.last_name}"
