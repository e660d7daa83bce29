from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal import ratelimit
from django.conf import settings
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse

from itou.users.enums import UserKind


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
        self.send_mail("account/email/account_already_exists", email, self._enumeration_mail_context())

    def send_nir_already_used_mail(self, email: str) -> None:
        self.send_mail("account/email/nir_already_used", email, self._enumeration_mail_context())

    def save_user(self, request, user, form, commit=True):
        """Self-signup creates job seekers; user and profile are saved together or not at all."""
        user.kind = UserKind.JOB_SEEKER
        with transaction.atomic():
            return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        return settings.LOGIN_REDIRECT_URL and super().get_login_redirect_url(request)
