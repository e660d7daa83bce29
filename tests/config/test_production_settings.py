"""The production settings (config/settings.py) with every documented form of every
environment variable of docs/configuration.md: they load, mean what the docs say, and
`manage.py check --deploy` reports nothing."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SETTINGS = BASE_DIR / "config" / "settings.py"
DOCS = BASE_DIR / "docs" / "configuration.md"

SECRET = "k3y-" + "x9Qz" * 15  # long and varied enough for check --deploy

# Every variable of docs/configuration.md, with the forms a production may use.
PRODUCTION_FORMS = {
    "DEBUG": [None, "", "0", "false", "no", "off"],
    "SECRET_KEY": [SECRET],
    "ALLOWED_HOSTS": [
        "emplois.inclusion.gouv.fr",
        "emplois.inclusion.gouv.fr,www.emplois.inclusion.gouv.fr",
        ".inclusion.gouv.fr",
    ],
    "CSRF_TRUSTED_ORIGINS": [
        "https://emplois.inclusion.gouv.fr",
        "https://emplois.inclusion.gouv.fr, https://www.emplois.inclusion.gouv.fr",
    ],
    "SITE_URL": ["https://emplois.inclusion.gouv.fr", "https://emplois.inclusion.gouv.fr/"],
    "DATABASE_URL": [
        "postgresql://user:pass@host:5432/db",
        "postgres://user:pass@host:5432/db",
        "postgresql://user:p%40ss%3Aword@db.internal:6432/itou?sslmode=require",
        "postgresql://user@/db?host=/var/run/postgresql",
        "postgresql://user:pass@host/db",
    ],
    "DATABASE_PARALLEL_QUERIES": [None, "1", "0"],
    "CONN_MAX_AGE": [None, "60", "0"],
    "CACHE_URL": [None, "", "redis://cache.internal:6379/0", "rediss://user:pass@cache.internal:6380/1"],
    "DEMO_MODE": [None, "", "0"],
    "DEMO_PUBLIC": [None, "0"],
    "EMAIL_HOST": ["smtp-relay.brevo.com"],
    "EMAIL_PORT": [None, "587", "465"],
    "EMAIL_HOST_USER": [None, "apikey"],
    "EMAIL_HOST_PASSWORD": [None, "s3cret"],
    "EMAIL_USE_TLS": [None, "1", "true", "yes"],
    "DEFAULT_FROM_EMAIL": [None, "Les emplois de l'inclusion <noreply@inclusion.gouv.fr>"],
    "EMAIL_DELIVERY_BACKEND": [None, "django.core.mail.backends.smtp.EmailBackend"],
    "SUPPORT_EMAIL": [None, "support@inclusion.gouv.fr"],
    "APPROVAL_NUMBER_PREFIX": [None, "99999", "XXXXX"],
    "SIRENE_API_URL": [None, "https://api.insee.fr/api-sirene/3.11"],
    "SIRENE_API_TOKEN": [None, "token"],
    "MEDIA_ROOT": [None, "/var/lib/itou/media"],
    "SECURE_SSL_REDIRECT": [None, "1", "on"],
    "SESSION_COOKIE_SECURE": [None, "1", "true"],
    "CSRF_COOKIE_SECURE": [None, "1"],
    "SECURE_HSTS_SECONDS": [None, "31536000", "63072000"],
    "LOG_LEVEL": [None, "INFO", "WARNING"],
    "TEST_DATABASE_NAME": [None, "test_itou"],
    "TRUSTED_PROXY_COUNT": [None, "0", "1", "2"],
    "TRUSTED_CLIENT_IP_HEADER": [None, "X-Real-IP"],
    "PERSON_LOOKUP_LIMIT_PER_USER": [None, "30"],
    "PERSON_LOOKUP_LIMIT_PER_ORGANIZATION": [None, "200"],
    "APPROVAL_VERIFY_LIMIT_PER_IP": [None, "10"],
    "ASP_TRANSFER_ENABLED": [None, "0", "1"],
    "API_THROTTLE_PUBLIC": [None, "120/min", "10/s"],
    "API_THROTTLE_PARTNER": [None, "600/min"],
    "API_THROTTLE_DEPARTMENT": [None, "120/min"],
    "API_THROTTLE_EMPLOYER": [None, "300/min"],
    # ProConnect and FranceConnect (docs/comptes.md): on only with their three variables.
    "PROCONNECT_SERVER_URL": [None, "https://auth.agentconnect.gouv.fr/api/v2", "https://proconnect.gouv.fr/"],
    "PROCONNECT_CLIENT_ID": [None, "emplois-inclusion"],
    "PROCONNECT_CLIENT_SECRET": [None, "s3cret"],
    "FRANCECONNECT_SERVER_URL": [None, "https://oidc.franceconnect.gouv.fr/api/v2"],
    "FRANCECONNECT_CLIENT_ID": [None, "a1b2c3"],
    "FRANCECONNECT_CLIENT_SECRET": [None, "s3cret"],
    "DATABASE_REPLICA_URL": [None, "postgresql://reader:pass@replica.internal:5432/itou", ""],
    "S3_BUCKET": [None, "itou-fichiers-prod", ""],
    "S3_ENDPOINT_URL": [None, "https://s3.fr-par.scw.cloud", "https://cellar-c2.services.clever-cloud.com"],
    "S3_ACCESS_KEY_ID": [None, "AKIAEXAMPLE"],
    "S3_SECRET_ACCESS_KEY": [None, "s3cret-key"],
    "S3_REGION": [None, "fr-par", "us-east-1"],
    "S3_ADDRESSING_STYLE": [None, "path", "virtual"],
    "S3_SIGNED_URL_SECONDS": [None, "60", "300"],
    "S3_TIMEOUT": [None, "5", "2.5"],
}


def documented_variables():
    names = set()
    for line in DOCS.read_text().splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def production_env(index: int) -> dict[str, str]:
    """The index-th combination: each variable takes its form number index (cycling)."""
    env = {}
    for name, forms in PRODUCTION_FORMS.items():
        value = forms[index % len(forms)]
        if value is not None:
            env[name] = value
    return env


def load_settings(monkeypatch, env: dict[str, str]) -> dict:
    for name in documented_variables() | set(PRODUCTION_FORMS):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


COMBINATIONS = max(len(forms) for forms in PRODUCTION_FORMS.values())


def test_every_documented_variable_has_its_forms_here():
    assert documented_variables() == set(PRODUCTION_FORMS)


@pytest.mark.parametrize("index", range(COMBINATIONS))
def test_production_settings_load(monkeypatch, index):
    settings = load_settings(monkeypatch, production_env(index))
    assert settings["DEBUG"] is False
    assert settings["DEMO_MODE"] is False
    assert settings["DEV_MAILBOX_ENABLED"] is False
    database = settings["DATABASES"]["default"]
    assert database["NAME"] in {"db", "itou"}
    assert database["HOST"] in {"host", "db.internal", "/var/run/postgresql"}
    assert settings["STORAGES"]["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert settings["SECURE_SSL_REDIRECT"] and settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]


def test_object_storage_and_replica_forms(monkeypatch):
    base = production_env(0)
    local = load_settings(monkeypatch, {k: v for k, v in base.items() if not k.startswith(("S3_", "DATABASE_REPLICA"))})
    assert local["STORAGES"]["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert set(local["DATABASES"]) == {"default"}
    settings = load_settings(
        monkeypatch,
        {
            **base,
            "S3_BUCKET": "itou-fichiers-prod",
            "S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
            "S3_SIGNED_URL_SECONDS": "300",
            "DATABASE_REPLICA_URL": "postgresql://reader:pass@replica.internal:5432/itou",
        },
    )
    storage = settings["STORAGES"]["default"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "itou-fichiers-prod" and options["endpoint_url"] == "https://s3.fr-par.scw.cloud"
    # Private: never a public ACL, always signed, short-lived, never overwritten.
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["querystring_expire"] == 300 and options["file_overwrite"] is False
    replica = settings["DATABASES"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["NAME"]) == ("replica.internal", "reader", "itou")
    assert replica["TEST"] == {"MIRROR": "default"}
    assert settings["DATABASE_ROUTERS"] == ["itou.utils.replica.ReplicaRouter"]


def test_database_url_forms(monkeypatch):
    base = production_env(0)
    plain = load_settings(monkeypatch, base)["DATABASES"]["default"]
    assert (plain["USER"], plain["PASSWORD"], plain["HOST"], plain["PORT"], plain["NAME"]) == (
        "user",
        "pass",
        "host",
        5432,
        "db",
    )
    assert plain["OPTIONS"] == {"options": "-c max_parallel_workers_per_gather=0"}
    encoded = load_settings(monkeypatch, {**base, "DATABASE_URL": PRODUCTION_FORMS["DATABASE_URL"][2]})["DATABASES"][
        "default"
    ]
    assert encoded["PASSWORD"] == "p@ss:word"
    assert encoded["OPTIONS"]["sslmode"] == "require"
    socket = load_settings(monkeypatch, {**base, "DATABASE_URL": PRODUCTION_FORMS["DATABASE_URL"][3]})
    assert socket["DATABASES"]["default"]["HOST"] == "/var/run/postgresql"
    parallel = load_settings(monkeypatch, {**base, "DATABASE_PARALLEL_QUERIES": "1"})
    assert parallel["DATABASES"]["default"]["OPTIONS"] == {}


def test_cache_url_forms(monkeypatch):
    base = production_env(0)
    embedded = load_settings(monkeypatch, {**base, "CACHE_URL": ""})["CACHES"]
    assert embedded["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert embedded["pages"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    redis = load_settings(monkeypatch, {**base, "CACHE_URL": PRODUCTION_FORMS["CACHE_URL"][2]})["CACHES"]
    assert {alias: cache["BACKEND"] for alias, cache in redis.items()} == {
        "default": "django.core.cache.backends.redis.RedisCache",
        "pages": "django.core.cache.backends.redis.RedisCache",
    }
    assert redis["pages"]["LOCATION"] == "redis://cache.internal:6379/0"
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        load_settings(monkeypatch, {**base, "CACHE_URL": "memcached://cache.internal:11211"})


@pytest.mark.parametrize("value", ["1", "true", "yes", "on", "TRUE"])
def test_debug_on_forms(monkeypatch, value):
    settings = load_settings(monkeypatch, {"DEBUG": value, "DATABASE_URL": "postgresql://u:p@h:5432/d"})
    assert settings["DEBUG"] is True
    assert settings["SECRET_KEY"]
    assert settings["ALLOWED_HOSTS"] == ["localhost", "127.0.0.1", "[::1]"]


def test_secret_key_is_required_without_debug(monkeypatch):
    env = production_env(0)
    del env["SECRET_KEY"]
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        load_settings(monkeypatch, env)


@pytest.mark.parametrize("index", range(COMBINATIONS))
def test_check_deploy_reports_nothing(index):
    # A clean environment, as a production server's (the test run's own variables, such
    # as DJANGO_ALLOW_ASYNC_UNSAFE set for Playwright, would be reported).
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    env.update(production_env(index))
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def demo_env(**overrides):
    """What `make run` gives the settings (scripts/dev.py: demo_environment)."""
    env = {
        "DEMO_MODE": "1",
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "localhost,127.0.0.1,[::1]",
        "DATABASE_URL": "postgresql://user@/itou?host=/tmp/pg",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
    }
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def test_demo_on_localhost_has_the_mailbox(monkeypatch):
    settings = load_settings(monkeypatch, demo_env())
    assert settings["DEBUG"] is False
    assert settings["DEMO_MODE"] is True
    assert settings["DEV_MAILBOX_ENABLED"] is True


@pytest.mark.parametrize(
    ("overrides", "sign"),
    [
        ({}, "APPROVAL_NUMBER_PREFIX"),  # the whole production configuration
        ({"APPROVAL_NUMBER_PREFIX": "99999", "ALLOWED_HOSTS": "localhost", "SITE_URL": None}, "EMAIL_HOST"),
        ({"APPROVAL_NUMBER_PREFIX": "99999", "EMAIL_HOST": None, "SITE_URL": None}, "ALLOWED_HOSTS"),
        ({"APPROVAL_NUMBER_PREFIX": "99999", "EMAIL_HOST": None, "ALLOWED_HOSTS": "localhost"}, "SITE_URL"),
        # DEMO_PUBLIC never lifts the real PASS prefix nor real email delivery.
        ({"DEMO_PUBLIC": "1"}, "APPROVAL_NUMBER_PREFIX"),
        ({"DEMO_PUBLIC": "1", "APPROVAL_NUMBER_PREFIX": "99999"}, "EMAIL_HOST"),
    ],
)
def test_demo_is_refused_on_a_production_looking_configuration(monkeypatch, overrides, sign):
    env = {**production_env(0), "APPROVAL_NUMBER_PREFIX": "XXXXX", "DEMO_MODE": "1", **overrides}
    env = {key: value for key, value in env.items() if value is not None}
    with pytest.raises(ImproperlyConfigured, match=sign):
        load_settings(monkeypatch, env)


def test_a_public_demo_needs_the_explicit_opt_in(monkeypatch):
    env = demo_env(ALLOWED_HOSTS="demo.emplois.inclusion.gouv.fr", SITE_URL="https://demo.emplois.inclusion.gouv.fr")
    with pytest.raises(ImproperlyConfigured, match="demo.emplois.inclusion.gouv.fr"):
        load_settings(monkeypatch, env)
    settings = load_settings(monkeypatch, {**env, "DEMO_PUBLIC": "1"})
    assert settings["DEMO_MODE"] is True
    assert settings["DEV_MAILBOX_ENABLED"] is True


def test_proconnect_and_franceconnect_are_on_only_with_their_three_variables(monkeypatch):
    env = production_env(0) | {
        "PROCONNECT_SERVER_URL": "https://proconnect.example/api/v2/",
        "PROCONNECT_CLIENT_ID": "x",
    }
    settings = load_settings(monkeypatch, env)
    assert settings["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"] == []
    assert "form-action 'self';" in settings["CONTENT_SECURITY_POLICY"]
    settings = load_settings(monkeypatch, env | {"PROCONNECT_CLIENT_SECRET": "s3cret"})
    (app,) = settings["SOCIALACCOUNT_PROVIDERS"]["openid_connect"]["APPS"]
    assert (app["provider_id"], app["settings"]["server_url"]) == ("proconnect", "https://proconnect.example/api/v2")
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert "form-action 'self' https://proconnect.example;" in settings["CONTENT_SECURITY_POLICY"]
