"""The local OpenID Connect provider (devtools/oidc_provider) as a session fixture, and a
person's visit to it driven over HTTP (requests) for the Django test client tests."""

import html
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
import requests

from config.settings import content_security_policy, openid_connect_apps
from devtools.oidc_provider.identities import client_secret

BASE_DIR = Path(__file__).resolve().parent.parent.parent


class LocalProvider:
    def __init__(self, url: str):
        self.url = url

    def environ(self) -> dict:
        env = {}
        for provider_id in ("franceconnect", "proconnect"):
            client_id, secret = client_secret(provider_id)
            prefix = provider_id.upper()
            env |= {f"{prefix}_SERVER_URL": self.url, f"{prefix}_CLIENT_ID": client_id}
            env[f"{prefix}_CLIENT_SECRET"] = secret
        return env


def provider_database_url(settings_dict: dict) -> str:
    """The URL of the provider's database: the test database's server, its name +
    `_oidc_provider`. A socket folder as HOST (the project-local PostgreSQL of `make test`)
    goes in the query string: in the URL's host part, libpq would read an empty host and
    reach the machine's default socket, another server."""
    name = f"{settings_dict['NAME']}_oidc_provider"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = f":{quote(str(settings_dict['PASSWORD']), safe='')}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict.get("HOST") or "", str(settings_dict.get("PORT") or "")
    if host and not host.startswith("/"):
        return f"postgresql://{user}{password}@{host}{f':{port}' if port else ''}/{name}"
    query = urlencode({key: value for key, value in (("host", host), ("port", port)) if value})
    return f"postgresql://{user}{password}@/{name}{f'?{query}' if query else ''}"


@pytest.fixture(scope="session")
def oidc_provider(django_db_setup, django_db_blocker, tmp_path_factory):
    """Started once per test process, on a free port of 127.0.0.1, with its own database
    (the test database's name + `_oidc_provider`, on the same server)."""
    from django.db import connection

    database_url = provider_database_url(connection.settings_dict)
    key_file = tmp_path_factory.mktemp("oidc-provider") / "rs256.pem"
    process = subprocess.Popen(
        [sys.executable, "-m", "devtools.oidc_provider", "--database-url", database_url, "--key-file", str(key_file)],
        cwd=BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            break
    match = re.search(r"listening on (http://\S+)", line)
    if not match:
        process.kill()
        pytest.fail(f"The local OpenID Connect provider did not start: {line!r}")
    try:
        yield LocalProvider(match.group(1))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """ProConnect and FranceConnect on, pointing at the local provider."""
    apps = openid_connect_apps(oidc_provider.environ())
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "openid_connect": {**settings.SOCIALACCOUNT_PROVIDERS["openid_connect"], "APPS": apps},
    }
    settings.CONTENT_SECURITY_POLICY = content_security_policy(apps)
    return oidc_provider


def _hidden_fields(page: str) -> dict:
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", page):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[html.unescape(name.group(1))] = html.unescape(value.group(1)) if value else ""
    return fields


class ProviderVisit:
    """A person's browser at the provider (its own cookies), driven with requests."""

    def __init__(self):
        self.session = requests.Session()

    def authorize(self, authorize_url: str, username: str, *, consent: bool = True) -> str:
        """Log in as `username`, then accept or refuse; returns where the provider sends back."""
        response = self.session.get(authorize_url, allow_redirects=False)
        if response.status_code == 302 and "/connexion/" in response.headers["Location"]:
            login_url = urljoin(authorize_url, response.headers["Location"])
            page = self.session.get(login_url).text
            fields = _hidden_fields(page)
            response = self.session.post(
                login_url,
                data={
                    "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
                    "next": fields["next"],
                    "username": username,
                },
                allow_redirects=False,
            )
            assert response.status_code == 302, response.text
            response = self.session.get(urljoin(authorize_url, response.headers["Location"]), allow_redirects=False)
        assert response.status_code == 200, response.text
        data = _hidden_fields(response.text)
        if consent:
            data["allow"] = "Autoriser"
        response = self.session.post(response.url, data=data, allow_redirects=False)
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def logged_in(self, provider_url: str) -> bool:
        return "Session ouverte" in self.session.get(provider_url + "/").text


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
