import pytest
from django.test import Client


class StrictClient(Client):
    """A test client that fails on inline scripts and on unrendered template tags."""

    def request(self, **request):
        response = super().request(**request)
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html") and not getattr(response, "streaming", False):
            html = response.content.decode()
            assert "<script>" not in html and " onclick=" not in html, "Inline JavaScript (forbidden by the CSP)"
            assert "{{" not in html and "{%" not in html, "Unrendered template syntax in the page"
        return response


@pytest.fixture
def client():
    return StrictClient()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
