from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def oidc_login_url(provider_id: str) -> str:
    """The login URL of ProConnect or FranceConnect, or "" when it is not configured."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    if not any(app["provider_id"] == provider_id for app in apps):
        return ""
    return reverse("openid_connect_login", kwargs={"provider_id": provider_id})
