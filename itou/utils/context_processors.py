from django.conf import settings


def site(request):
    return {
        "SITE_NAME": "Les emplois de l'inclusion",
        "DEMO_MODE": settings.DEMO_MODE,
        "DEBUG_MAILBOX": settings.DEV_MAILBOX_ENABLED,
    }
