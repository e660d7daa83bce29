"""ProConnect (professionals) and FranceConnect (job seekers) over OpenID Connect.

allauth's `openid_connect` provider does the protocol (state, PKCE, code exchange, ID token
and userinfo); this module adds what the platform needs (docs/comptes.md):

- a nonce sent with each login and checked in the ID token (allauth sends none);
- the ID token's RS256 signature always checked against the provider's keys;
- who may use which service: FranceConnect for job seekers, ProConnect for professionals;
- a first login with the address of an existing account asks that account's password
  once (`signup:oidc_link`), then links them; otherwise the account is created;
- FranceConnect's identity (names, birth date and place) stored as certified;
- the provider's session ended at logout (RP-initiated logout with `id_token_hint`).
"""

import datetime
import logging
import secrets
from urllib.parse import urlencode

from allauth.account.models import EmailAddress
from allauth.account.signals import user_logged_in
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import (
    OpenIDConnectProvider as AllauthOpenIDConnectProvider,
)
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from itou.users.enums import IdentityProvider, UserKind
from itou.users.models import JobSeekerProfile, User
from itou.utils.redirects import safe_redirect_target

logger = logging.getLogger(__name__)

NONCE_STATE_KEY = "itou_nonce"
# The ID token of the login in progress, then of the logged-in session (for the logout).
PENDING_SESSION_KEY = "oidc_pending"
SESSION_KEY = "oidc_session"
# A provider login waiting for the existing account's password (signup:oidc_link).
LINK_SESSION_KEY = "oidc_link"
# The page the login was going to (a safe `next`): the error page's "Réessayer" sends it back.
NEXT_SESSION_KEY = "oidc_next"

KIND_OF_PROVIDER = {
    IdentityProvider.FRANCECONNECT: UserKind.JOB_SEEKER,
    IdentityProvider.PROCONNECT: UserKind.PROFESSIONAL,
}
WRONG_KIND_MESSAGES = {
    IdentityProvider.FRANCECONNECT: (
        "FranceConnect est réservé aux candidats. Votre adresse e-mail est celle d'un compte professionnel : "
        "connectez-vous avec ProConnect, ou avec votre adresse e-mail et votre mot de passe."
    ),
    IdentityProvider.PROCONNECT: (
        "ProConnect est réservé aux professionnels. Votre adresse e-mail est celle d'un compte candidat : "
        "connectez-vous avec FranceConnect, ou avec votre adresse e-mail et votre mot de passe."
    ),
}


def provider_name(provider_id: str) -> str:
    try:
        return IdentityProvider(provider_id).label
    except ValueError:
        return provider_id


class OpenIDConnectProvider(AllauthOpenIDConnectProvider):
    """allauth's provider (same id, same URLs) with a nonce bound to each login."""

    package = "allauth.socialaccount.providers.openid_connect"

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        kwargs["auth_params"] = {**auth_params, "nonce": nonce}
        # Kept in the login's state (in the session), compared with the ID token's.
        kwargs[NONCE_STATE_KEY] = nonce
        # allauth keeps `next` in the login's state, which an error never gives back.
        next_url = safe_redirect_target(request, next_url, "")
        if next_url:
            request.session[NEXT_SESSION_KEY] = next_url
        else:
            request.session.pop(NEXT_SESSION_KEY, None)
        return super().redirect(request, process, next_url, data, **kwargs)


class OAuth2Adapter(OpenIDConnectOAuth2Adapter):
    """The callback's side: an ID token is required, its signature always checked, and it
    is kept for the logout."""

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise OAuth2Error("No ID token")
        login = super().complete_login(request, app, token, **kwargs)
        claims = login.account.extra_data
        if claims.get("userinfo") and claims["userinfo"].get("sub") != claims["id_token"].get("sub"):
            raise OAuth2Error("userinfo and ID token subjects differ")
        request.session[PENDING_SESSION_KEY] = {
            "provider_id": self.provider_id,
            "id_token": id_token,
            "end_session_endpoint": self.openid_config.get("end_session_endpoint", ""),
        }
        return login

    def _fetch_user_info(self, access_token: str) -> dict:
        """JSON, or a signed JWT (`application/jwt`, as FranceConnect v2 and ProConnect
        answer), checked like the ID token."""
        from allauth.socialaccount.adapter import get_adapter

        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url, headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/jwt":
            return response.json()
        return self._decode_id_token(self.get_provider().app, response.text.strip())

    def _decode_id_token(self, app, id_token: str) -> dict:
        # The code exchange is a direct TLS call, which the spec says is enough; we check the
        # RS256 signature anyway (the provider's JWKS), as ProConnect and FranceConnect ask.
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}


def pending_next(request) -> str:
    """The safe `next` of the provider login in progress ("" when none)."""
    return safe_redirect_target(request, request.session.get(NEXT_SESSION_KEY), "")


def _error_page(request, provider_id: str, message: str, *, status=403):
    context = {
        "provider_id": provider_id,
        "provider_name": provider_name(provider_id),
        "message": message,
        "next": pending_next(request),
    }
    return render(request, "socialaccount/oidc_error.html", context, status=status)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request, sociallogin):
        provider_id = sociallogin.account.provider
        expected = sociallogin.state.get(NONCE_STATE_KEY) or ""
        received = (sociallogin.account.extra_data.get("id_token") or {}).get("nonce") or ""
        if not expected or not secrets.compare_digest(str(expected), str(received)):
            request.session.pop(PENDING_SESSION_KEY, None)
            raise PermissionDenied("The ID token's nonce is not the one of this login.")
        sociallogin.state[SESSION_KEY] = request.session.pop(PENDING_SESSION_KEY, None)
        # Both services give addresses they checked.
        for address in sociallogin.email_addresses:
            address.email = address.email.strip().lower()
            address.verified = True
        kind = KIND_OF_PROVIDER.get(provider_id)
        if kind is None:
            raise PermissionDenied(f"Unknown provider {provider_id}")
        if sociallogin.state.get("process") != "login":
            # Only logins: linking goes through signup:oidc_link (allauth's "connect" and
            # "redirect" processes would bypass it).
            raise PermissionDenied("Only the login process is allowed.")
        if sociallogin.is_existing:
            if sociallogin.user.kind != kind:
                raise ImmediateHttpResponse(_error_page(request, provider_id, WRONG_KIND_MESSAGES[provider_id]))
            if provider_id == IdentityProvider.FRANCECONNECT:
                certify_identity(sociallogin.user, _claims(sociallogin))
            return
        email = sociallogin.email_addresses[0].email if sociallogin.email_addresses else ""
        if not email:
            raise ImmediateHttpResponse(
                _error_page(
                    request,
                    provider_id,
                    f"{provider_name(provider_id)} n'a pas transmis d'adresse e-mail : elle est nécessaire pour "
                    "votre compte. Autorisez sa transmission, puis réessayez.",
                )
            )
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            return  # allauth creates the account (save_user below)
        if existing.kind != kind:
            raise ImmediateHttpResponse(_error_page(request, provider_id, WRONG_KIND_MESSAGES[provider_id]))
        # An account has this address: its password, once, before linking (signup:oidc_link).
        request.session[LINK_SESSION_KEY] = sociallogin.serialize()
        raise ImmediateHttpResponse(redirect("signup:oidc_link"))

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        """A refusal or an error at the provider (or a failed check here): a French page
        with a retry button, never allauth's generic page."""
        from allauth.socialaccount.providers.base.constants import AuthError

        provider_id = getattr(getattr(provider, "app", None), "provider_id", "") or getattr(provider, "id", "")
        if error == AuthError.CANCELLED:
            message = (
                f"Vous avez refusé de transmettre vos informations depuis {provider_name(provider_id)} : "
                "vous n'êtes pas connecté. Vous pouvez réessayer, ou vous connecter avec votre adresse e-mail."
            )
            status = 200
        else:
            if exception is not None:
                logger.warning("OpenID Connect login failed (%s): %r", provider_id, exception)
            message = (
                f"La connexion avec {provider_name(provider_id)} n'a pas abouti (refusée, expirée ou interrompue). "
                "Aucune information n'a été enregistrée. Réessayez ; si cela se reproduit, connectez-vous avec "
                "votre adresse e-mail et votre mot de passe."
            )
            status = 401
        request.session.pop(PENDING_SESSION_KEY, None)
        raise ImmediateHttpResponse(_error_page(request, provider_id, message, status=status))

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        provider_id = sociallogin.account.provider
        claims = _claims(sociallogin)
        user.kind = KIND_OF_PROVIDER[provider_id]
        user.email = (user.email or "").strip().lower() or None
        user.first_name = (claims.get("given_name") or "")[:150]
        user.last_name = (claims.get("family_name") or claims.get("usual_name") or "")[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        provider_id = sociallogin.account.provider
        with transaction.atomic():
            user = super().save_user(request, sociallogin, form=form)
            if provider_id == IdentityProvider.FRANCECONNECT:
                certify_identity(user, _claims(sociallogin))
        if user.is_professional:
            messages.success(
                request,
                "Votre compte est créé avec ProConnect. Rejoignez maintenant votre organisation : choisissez "
                "votre profil ci-dessous.",
            )
        else:
            messages.success(request, "Votre compte candidat est créé avec FranceConnect.")
        return user


def _parse_date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def certify_identity(user: User, claims: dict) -> None:
    """FranceConnect's identity on the job seeker's account: names, birth date and place,
    marked as certified (read-only in the profile). Done at each FranceConnect login."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if claims.get("given_name"):
            user.first_name = claims["given_name"][:150]
        if claims.get("family_name"):
            user.last_name = claims["family_name"][:150]
        user.save(update_fields=["first_name", "last_name", "updated_at"])
        profile, _ = JobSeekerProfile.objects.get_or_create(user=user)
        profile.birthdate = _parse_date(claims.get("birthdate")) or profile.birthdate
        profile.birth_place_code = str(claims.get("birthplace") or "")[:5]
        profile.birth_country_code = str(claims.get("birthcountry") or "")[:5]
        profile.identity_certified_by = IdentityProvider.FRANCECONNECT
        profile.identity_certified_at = timezone.now()
        profile.save()


def link_and_login(request, sociallogin, user: User):
    """The password of `user` was just checked: link the provider's identity to it, then
    log in as a provider login (so that logout ends the provider's session too)."""
    from allauth.account.utils import perform_login
    from allauth.socialaccount import app_settings
    from allauth.socialaccount.internal.flows.login import record_authentication

    email = sociallogin.email_addresses[0].email
    with transaction.atomic():
        sociallogin.connect(request, user)
        # The provider checked this address: no confirmation email to wait for.
        updated = EmailAddress.objects.filter(user=user, email__iexact=email).update(verified=True)
        if not updated:
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if sociallogin.account.provider == IdentityProvider.FRANCECONNECT:
            certify_identity(user, _claims(sociallogin))
    messages.success(request, f"Votre compte est maintenant relié à {provider_name(sociallogin.account.provider)}.")
    record_authentication(request, sociallogin)
    return perform_login(
        request,
        user,
        email_verification=app_settings.EMAIL_VERIFICATION,
        redirect_url=sociallogin.get_redirect_url(request),
        signal_kwargs={"sociallogin": sociallogin},
    )


def logout_url(request) -> str | None:
    """Where the logout goes: the provider's end_session endpoint when the session came
    from a provider login (RP-initiated logout), else nowhere special."""
    info = request.session.get(SESSION_KEY) or {}
    if not (info.get("end_session_endpoint") and info.get("id_token")):
        return None
    params = {
        "id_token_hint": info["id_token"],
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("home:index")),
        # FranceConnect requires it; it only comes back to the home page (nothing to check).
        "state": secrets.token_urlsafe(16),
    }
    return f"{info['end_session_endpoint']}?{urlencode(params)}"


@receiver(user_logged_in)
def remember_provider_session(sender, request, user, **kwargs):
    """A provider login keeps its ID token in the session (for the logout); any other
    login forgets whatever a previous provider login left."""
    sociallogin = kwargs.get("sociallogin")
    info = sociallogin.state.get(SESSION_KEY) if sociallogin is not None else None
    request.session.pop(PENDING_SESSION_KEY, None)
    request.session.pop(NEXT_SESSION_KEY, None)
    if info:
        request.session[SESSION_KEY] = info
    else:
        request.session.pop(SESSION_KEY, None)
