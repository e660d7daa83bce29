from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import transaction

from itou.users.enums import UserKind


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        """Self-signup creates job seekers; user and profile are saved together or not at all."""
        user.kind = UserKind.JOB_SEEKER
        with transaction.atomic():
            return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request):
        return settings.LOGIN_REDIRECT_URL and super().get_login_redirect_url(request)
