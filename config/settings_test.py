"""Settings for the test suite: the production settings with test-only tweaks."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from config.settings import *  # noqa: E402,F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
EMAIL_DELIVERY_BACKEND = "itou.notifications.backends.DatabaseEmailBackend"
MEDIA_ROOT = BASE_DIR / ".data" / "test-media"  # noqa: F405
CONN_MAX_AGE = 0
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 (whitenoise warns when it is missing)
# The live server of the browser tests: WhiteNoise serves the static files straight from the
# apps' folders (no collectstatic needed on a fresh clone; the page-weight test collects its own).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
