"""API tokens and the access log of calls that return personal data (docs/api.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from itou.api.enums import TokenKind


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token. Only a SHA-256 of the secret is stored: the token is shown once, at creation."""

    kind = models.CharField("type", max_length=20, choices=TokenKind.choices)
    name = models.CharField("nom", max_length=100)
    # The public part of the token (`itou_<key_id>_<secret>`), to find the row without the secret.
    key_id = models.CharField("identifiant", max_length=16, unique=True, editable=False)
    key_hash = models.CharField("empreinte", max_length=64, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="administrateur",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    company = models.ForeignKey(
        "companies.Company", verbose_name="employeur", on_delete=models.CASCADE, null=True, blank=True
    )
    department = models.ForeignKey(
        "geo.Department", verbose_name="département", on_delete=models.PROTECT, null=True, blank=True
    )
    organization_name = models.CharField("organisation partenaire", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="créé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    expires_at = models.DateTimeField("expire le", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="apitoken_scope_matches_kind",
                condition=(
                    models.Q(kind=TokenKind.EMPLOYER, user__isnull=False, company__isnull=False)
                    | models.Q(kind=TokenKind.DEPARTMENT, department__isnull=False, expires_at__isnull=False)
                    | models.Q(kind=TokenKind.PARTNER, expires_at__isnull=False)
                ),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)

    @property
    def display_key(self) -> str:
        return f"itou_{self.key_id}_…"


class ApiAccessLog(models.Model):
    """One call that returned personal data: who, when, what, how many rows. Never a NIR in clear."""

    token = models.ForeignKey(ApiToken, verbose_name="jeton", on_delete=models.SET_NULL, null=True, related_name="+")
    token_name = models.CharField("nom du jeton", max_length=100)
    kind = models.CharField("type de jeton", max_length=20, choices=TokenKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="utilisateur", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    method = models.CharField("méthode", max_length=8)
    path = models.CharField("adresse", max_length=255)
    # What the call looked for: "nir", "nom_date_naissance", "numero_pass"…
    lookup_kind = models.CharField("recherche", max_length=30, blank=True)
    # HMAC of the searched NIR or identity (settings.SECRET_KEY): staff find the calls about a
    # person by typing the NIR in the admin search, the log never holds it in clear.
    lookup_hash = models.CharField("empreinte de la recherche", max_length=64, blank=True, db_index=True)
    rows = models.PositiveIntegerField("lignes renvoyées", default=0)
    status_code = models.PositiveSmallIntegerField("code HTTP")
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    created_at = models.DateTimeField("date", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "accès aux données personnelles par l'API"
        verbose_name_plural = "accès aux données personnelles par l'API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.token_name} {self.method} {self.path}"
