from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.conf import settings
from django.db import transaction

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
