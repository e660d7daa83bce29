from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class HealthCheckMiddleware:
    """GET /sante/ answers "ok" before any other middleware: what a load balancer asks every
    second to know whether this web process is alive (docs/deploiement.md). It touches
    neither the database nor the session, so that a database restart does not take every
    web process out of the balancer (the pages then answer a French 503 themselves)."""

    PATH = "/sante/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == self.PATH:
            return HttpResponse("ok", content_type="text/plain; charset=utf-8", headers={"Cache-Control": "no-store"})
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send a strict Content-Security-Policy (no inline script or style anywhere) and a
    Permissions-Policy turning off the browser features no page uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


class StaffMFARequiredMiddleware:
    """Staff must have TOTP set up before using anything but the MFA and logout pages."""

    ALLOWED_PREFIXES = ("/comptes/", "/static/", "/dev/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.is_staff
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not user.has_totp()
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
