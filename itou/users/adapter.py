import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse

from itou.notifications.emails import Button, build_email
from itou.users.enums import UserKind

# The button of allauth's emails: the first of these context keys that is set.
EMAIL_BUTTONS = [
    ("activate_url", "Confirmer mon adresse e-mail"),
    ("password_reset_url", "Choisir un nouveau mot de passe"),
    ("signup_url", "Créer mon compte"),
]


class AccountAdapter(DefaultAccountAdapter):
    error_messages = DefaultAccountAdapter.error_messages | {
        "email_password_mismatch": (
            "L'adresse e-mail ou le mot de passe n'est pas correct. Vérifiez-les, "
            "ou utilisez « Mot de passe oublié ? »."
        ),
        "too_many_login_attempts": (
            "Trop de tentatives de connexion échouées. Pour protéger votre compte, réessayez dans "
            "quelques minutes, ou utilisez « Mot de passe oublié ? »."
        ),
        "incorrect_code": "Ce code n'est pas le bon. Vérifiez le code reçu par e-mail (8 caractères, par exemple ABCD-EFGH).",
        "email_taken": (
            "Un compte existe déjà avec cette adresse e-mail. Connectez-vous, ou utilisez « Mot de passe oublié ? »."
        ),
    }

    def _get_login_attempts_cache_key(self, request, **credentials):
        """Failed logins count per (email, IP) pair: an attacker elsewhere cannot lock the person out."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"

    def pre_authenticate(self, request, **credentials):
        """Too many failures answer 429 Too Many Requests, with the French explanation."""
        self._login_failed_rl_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed",
            key=self._get_login_attempts_cache_key(request, **credentials),
        )
        if not self._login_failed_rl_usage:
            raise ImmediateHttpResponse(
                render(
                    request,
                    "429.html",
                    {
                        "message": self.error_messages["too_many_login_attempts"],
                        "retry_url": reverse("account_login"),
                        "show_password_reset": True,
                    },
                    status=429,
                )
            )

    def _enumeration_mail_context(self) -> dict:
        from allauth.account.internal import flows
        from allauth.core import context

        return {
            "login_url": context.request.build_absolute_uri(reverse("account_login")),
            "password_reset_url": flows.password_reset.get_reset_password_url(context.request),
            "support_email": settings.SUPPORT_EMAIL,
        }

    def send_account_already_exists_mail(self, email: str) -> None:
        self.render_mail("account/email/account_already_exists", email, self._enumeration_mail_context()).send()

    def send_nir_already_used_mail(self, email: str) -> None:
        self.render_mail("account/email/nir_already_used", email, self._enumeration_mail_context()).send()

    def save_user(self, request, user, form, commit=True):
        """Self-signup creates job seekers; user and profile are saved together or not at all."""
        user.kind = UserKind.JOB_SEEKER
        with transaction.atomic():
            return super().save_user(request, user, form, commit=commit)

    def is_safe_url(self, url):
        """`next` of login, logout, signup…: the same rule as every other redirect
        (itou/utils/redirects.py)."""
        from itou.utils.redirects import is_safe_redirect_target

        return is_safe_redirect_target(context.request, url)

    def get_login_redirect_url(self, request):
        return settings.LOGIN_REDIRECT_URL and super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request):
        """A professional who just created an account with ProConnect goes on to join (or
        create) their organization; everybody else to the dashboard."""
        if request.user.is_authenticated and request.user.is_professional:
            return reverse("signup:choose_kind")
        return super().get_signup_redirect_url(request)

    def get_logout_redirect_url(self, request):
        """After a ProConnect or FranceConnect login, the logout also ends the provider's
        session (RP-initiated logout), which then sends the person back to the home page."""
        from itou.users.oidc import logout_url

        return logout_url(request) or super().get_logout_redirect_url(request)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's emails in the platform's layout (itou.notifications.emails): text and HTML."""
        button = next((Button(label, context[key]) for key, label in EMAIL_BUTTONS if context.get(key)), None)
        message = build_email(
            template_prefix, to=email, context=context, button=button, from_email=self.get_from_email()
        )
        if headers:
            message.extra_headers.update(headers)
        return message

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """A password typed at login counts as a reauthentication for the next minutes
        (REAUTHENTICATION_TIMEOUT): staff who must set up their authenticator app right
        after logging in are not asked for their password a second time."""
        required = super().is_reauthentication_required(app=app, **kwargs)
        request = self.request or context.request
        return required and not just_logged_in_with_password(request)


def just_logged_in_with_password(request) -> bool:
    """Whether the session's last authentication is a password typed less than
    REAUTHENTICATION_TIMEOUT seconds ago (allauth's records, kept in the session)."""
    if request is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return False
    records = request.session.get("account_authentication_methods") or []
    if str(request.session.get("account_authentication_methods_user")) != str(request.user.pk):
        return False
    passwords = [record for record in records if record.get("method") == "password"]
    return bool(passwords) and time.time() - passwords[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
