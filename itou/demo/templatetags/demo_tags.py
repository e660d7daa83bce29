from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def demo_accounts():
    """The demo logins listed on the login page when DEMO_MODE is on (never in production)."""
    if not settings.DEMO_MODE:
        return None
    from itou.demo import world as demo

    return {"accounts": demo.demo_accounts(), "password": demo.DEMO_PASSWORD}
