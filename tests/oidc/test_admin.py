from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin


def test_provider_configuration_and_links_are_not_in_the_admin():
    assert not any(admin.site.is_registered(model) for model in (SocialApp, SocialToken, SocialAccount))
