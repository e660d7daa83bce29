"""ProConnect and FranceConnect are configured by environment variables only, and their
links hold identity data: allauth's admin pages for them are not part of the back-office
(docs/comptes.md). A link is removed with the account's anonymization."""

from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin

for model in (SocialApp, SocialToken, SocialAccount):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
