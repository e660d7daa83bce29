"""Security headers on every answer."""

from django.urls import reverse


def test_permissions_policy_and_nosniff_on_pages(client):
    for url in (reverse("home:index"), reverse("account_login"), "/page-inconnue/"):
        response = client.get(url)
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
