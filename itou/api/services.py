"""Tokens: creation (the secret is returned once), revocation, lookup; the access log (docs/api.md)."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itou.api.enums import TokenKind
from itou.api.models import ApiAccessLog, ApiToken
from itou.companies import perms as company_perms

TOKEN_PREFIX = "itou_"
MAX_TOKENS_PER_USER = 20
# last_used_at is written at most once per period: a busy integration does not write on every call.
LAST_USED_RESOLUTION_SECONDS = 60


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def lookup_hash(value: str) -> str:
    """Keyed fingerprint of a searched NIR or identity: comparable, not reversible without the key."""
    normalized = "".join(value.split()).upper()
    return hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def _new_key() -> tuple[str, str, str]:
    key_id = secrets.token_hex(6)
    secret = f"{TOKEN_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
    return key_id, secret, _hash(secret)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": "Donnez un nom au jeton (par exemple le nom du logiciel qui l'utilise)."})
    if len(name) > 100:
        raise ValidationError({"name": "Le nom du jeton ne doit pas dépasser 100 caractères."})
    return name


@transaction.atomic
def employer_token_create(*, acting_user, company, name: str) -> NewToken:
    """A personal token of an employer admin, scoped to one company (its software vendor uses it)."""
    if not company_perms.is_company_admin(acting_user, company):
        raise PermissionDenied("Seuls les administrateurs de la structure peuvent créer un jeton d'API.")
    name = _clean_name(name)
    # Serialize the admin's creations: the cap below holds under parallel clicks.
    get_user_model().objects.select_for_update().only("pk").get(pk=acting_user.pk)
    if ApiToken.objects.usable().filter(user=acting_user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(
            {"name": f"Vous avez déjà {MAX_TOKENS_PER_USER} jetons actifs : révoquez ceux qui ne servent plus."}
        )
    key_id, secret, key_hash = _new_key()
    token = ApiToken.objects.create(
        kind=TokenKind.EMPLOYER,
        name=name,
        key_id=key_id,
        key_hash=key_hash,
        user=acting_user,
        company=company,
        created_by=acting_user,
    )
    return NewToken(token, secret)


@transaction.atomic
def staff_token_create(
    *, acting_user, kind: str, name: str, expires_at, department=None, organization_name: str = ""
) -> NewToken:
    """A department or partner token, issued by staff in the back-office, always with an expiry."""
    if not acting_user.is_staff:
        raise PermissionDenied("Seule l'équipe du support délivre ces jetons.")
    errors = {}
    if kind not in (TokenKind.DEPARTMENT, TokenKind.PARTNER):
        errors["kind"] = "Type de jeton inconnu."
    if expires_at is None or expires_at <= timezone.now():
        errors["expires_at"] = "Indiquez une date d'expiration dans le futur."
    if kind == TokenKind.DEPARTMENT and department is None:
        errors["department"] = "Un jeton de département est lié à un département."
    if kind == TokenKind.PARTNER and not (organization_name or "").strip():
        errors["organization_name"] = "Indiquez l'organisation partenaire."
    try:
        name = _clean_name(name)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    key_id, secret, key_hash = _new_key()
    token = ApiToken.objects.create(
        kind=kind,
        name=name,
        key_id=key_id,
        key_hash=key_hash,
        department=department if kind == TokenKind.DEPARTMENT else None,
        organization_name=(organization_name or "").strip(),
        created_by=acting_user,
        expires_at=expires_at,
    )
    return NewToken(token, secret)


@transaction.atomic
def token_revoke(*, acting_user, token: ApiToken) -> ApiToken:
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not (acting_user.is_staff or token.user_id == acting_user.pk):
        raise PermissionDenied("Vous ne pouvez pas révoquer ce jeton.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The usable token of this secret, or None. Constant-time comparison of the hashes."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    key_id, _, rest = secret[len(TOKEN_PREFIX) :].partition("_")
    if not key_id or not rest:
        return None
    token = ApiToken.objects.usable().select_related("user", "company", "department").filter(key_id=key_id).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(secret)):
        return None
    if token.kind == TokenKind.EMPLOYER and not (
        token.user.is_active and company_perms.is_company_admin(token.user, token.company)
    ):
        # The admin left the structure or lost the admin role: the token dies with the role.
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def log_access(*, request, token: ApiToken, rows: int, status_code: int, lookup_kind: str = "", lookup_value=""):
    ApiAccessLog.objects.create(
        token=token,
        token_name=token.name,
        kind=token.kind,
        user=token.user if token.kind == TokenKind.EMPLOYER else None,
        method=request.method,
        path=request.path[:255],
        lookup_kind=lookup_kind,
        lookup_hash=lookup_hash(lookup_value) if lookup_value else "",
        rows=rows,
        status_code=status_code,
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )
