from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from itou.backoffice.models import LoginEvent


@receiver(user_logged_in)
def record_login(sender, request, user, **kwargs):
    ip = None
    if request is not None:
        from itou.utils.throttle import client_ip

        try:
            ip = client_ip(request)
        except Exception:  # no address (test client without REMOTE_ADDR…): the login still counts
            ip = None
    LoginEvent.objects.create(
        user=user,
        ip=ip,
        user_agent=(request.headers.get("User-Agent", "") if request is not None else "")[:255],
    )
