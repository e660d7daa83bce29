"""Authentication, scopes and throttles of the API (docs/api.md).

Every view declares its three classes explicitly; the defaults in settings deny everything,
so that a view which forgets them is closed, not open.
"""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling

from itou.api import services
from itou.api.enums import TokenKind


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token itou_…`. A wrong, revoked or expired token answers 401."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("En-tête Authorization mal formé : « Token <jeton> » attendu.")
        try:
            secret = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Jeton invalide.")
        token = services.authenticate(secret)
        if token is None:
            raise exceptions.AuthenticationFailed("Jeton invalide, expiré ou révoqué.")
        user = token.user if token.kind == TokenKind.EMPLOYER else AnonymousUser()
        return (user, token)

    def authenticate_header(self, request):
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "jeton"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "« Token itou_… » : jeton personnel d'un administrateur d'employeur, "
            "ou jeton de département / de partenaire délivré par le support.",
        }


class _TokenOfKind(permissions.BasePermission):
    kind: str = ""
    message = "Ce jeton ne donne pas accès à cette ressource."

    def has_permission(self, request, view):
        token = request.auth
        if token is None:
            # 401 (no credentials) rather than 403.
            raise exceptions.NotAuthenticated("Authentification requise : en-tête « Authorization: Token <jeton> ».")
        return getattr(token, "kind", None) == self.kind


class IsEmployerToken(_TokenOfKind):
    kind = TokenKind.EMPLOYER


class IsDepartmentToken(_TokenOfKind):
    kind = TokenKind.DEPARTMENT


class IsPartnerToken(_TokenOfKind):
    kind = TokenKind.PARTNER


class PublicThrottle(throttling.AnonRateThrottle):
    """Public endpoints: per IP."""

    scope = "public"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class _TokenThrottle(throttling.SimpleRateThrottle):
    def get_cache_key(self, request, view):
        token = request.auth
        if token is None:
            return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
        return self.cache_format % {"scope": self.scope, "ident": f"token-{token.pk}"}


class DepartmentThrottle(_TokenThrottle):
    scope = "department"


class PartnerThrottle(_TokenThrottle):
    scope = "partner"


class EmployerThrottle(_TokenThrottle):
    scope = "employer"
