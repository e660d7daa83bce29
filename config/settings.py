"""Settings of Les emplois de l'inclusion.

Everything that differs between environments comes from environment variables
(12-factor); `docs/configuration.md` lists them.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG")
# Demo mode: the login page lists the demo accounts (never in production).
DEMO_MODE = env_bool("DEMO_MODE")

SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-insecure-key" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("La variable d'environnement SECRET_KEY est obligatoire quand DEBUG est désactivé.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute base URL used in emails and PDF verification links.
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "itou.utils.staticfiles.StaticFilesConfig",  # django.contrib.staticfiles, without unused DSFR files
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "dsfr",
    "django_htmx",
    "template_partials",
    "widget_tweaks",
    "procrastinate.contrib.django",
    # Domain apps
    "itou.utils",
    "itou.users",
    "itou.geo",
    "itou.jobs",
    "itou.eligibility",
    "itou.companies",
    "itou.prescribers",
    "itou.institutions",
    "itou.invitations",
    "itou.job_applications",
    "itou.notifications",
    "itou.approvals",
    "itou.exchanges",
    "itou.help",
    "itou.support",
    "itou.followup",
    "itou.demo",
    "itou.asp",
    "itou.employee_records",
    "itou.control",
    "itou.activity",
    "itou.audit",
    "itou.backoffice",
    "itou.marketplace",
    # Screens
    "itou.www.home",
    "itou.www.signup",
    "itou.www.dashboard",
    "itou.www.search",
    "itou.www.companies",
    "itou.www.members",
    "itou.www.invitations",
    "itou.www.apply",
    "itou.www.applications",
    "itou.www.employee_records",
    "itou.www.eligibility",
    "itou.www.autocomplete",
    "itou.www.dev",
    "itou.www.approvals",
    "itou.www.help",
    "itou.www.support",
    "itou.www.followup",
    # Public and partner API (docs/api.md)
    "rest_framework",
    "drf_spectacular",
    "itou.api",
    "itou.www.api",
    "itou.www.control",
    "itou.www.activity",
    "itou.stats",
    "itou.www.stats",
    "itou.www.marketplace",
]

MIDDLEWARE = [
    # Load balancer health check (/sante/): first, without database, session nor HTTPS redirect.
    "itou.utils.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML compressed (static files come pre-compressed from WhiteNoise, above). Django's
    # BREACH mitigations apply: masked CSRF tokens, random gzip header padding.
    "django.middleware.gzip.GZipMiddleware",
    "itou.utils.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "itou.organizations.current.CurrentOrganizationMiddleware",
    "itou.utils.middleware.StaffMFARequiredMiddleware",
    "itou.www.dev.visibility.DemoMailboxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "itou" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "itou.utils.context_processors.site",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL, or the project-local cluster started by scripts/dev.py.
DATABASE_URL = os.environ.get("DATABASE_URL")
if not DATABASE_URL:
    from scripts.localdb import local_database_url

    DATABASE_URL = local_database_url()
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# dj_database_url only adds OPTIONS when the URL has a query string.
DATABASES["default"].setdefault("OPTIONS", {})
# Web queries are short: parallel workers cost more to start than they save (bench/).
# Off with DATABASE_PARALLEL_QUERIES=1, e.g. behind a pooler that rejects startup options.
if not env_bool("DATABASE_PARALLEL_QUERIES"):
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c max_parallel_workers_per_gather=0")
if not DATABASES["default"]["HOST"] and "host" in DATABASES["default"]["OPTIONS"]:
    # postgresql://user@/db?host=/socket/dir (the local cluster's Unix socket)
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("TEST_DATABASE_NAME", "test_itou")
# A streaming read replica for figures (steering pages, exports, public statistics), used
# only where the code says so (itou/utils/replica.py); unset: everything reads the primary.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
    )
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], **DATABASES["replica"].get("OPTIONS", {})}
    if not DATABASES["replica"]["HOST"] and "host" in DATABASES["replica"]["OPTIONS"]:
        DATABASES["replica"]["HOST"] = DATABASES["replica"]["OPTIONS"].pop("host")
    # Tests never create a database for it: it mirrors the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["itou.utils.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard:index"
LOGOUT_REDIRECT_URL = "home:index"

# django-allauth
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
# Same answer whether an account exists or not; the email tells the truth (ASVS V2,
# docs/comptes.md): "you already have an account" goes to the mailbox, not to the screen.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Les emplois de l'inclusion] "
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 3
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 300
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SIGNUP_FORM_CLASS = "itou.www.signup.forms.JobSeekerSignupForm"
ACCOUNT_ADAPTER = "itou.users.adapter.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "itou.www.signup.allauth_forms.LoginForm",
    "signup": "itou.www.signup.allauth_forms.SignupForm",
    "reset_password": "itou.www.signup.allauth_forms.ResetPasswordForm",
    "reset_password_from_key": "itou.www.signup.allauth_forms.ResetPasswordKeyForm",
    "request_login_code": "itou.www.signup.allauth_forms.RequestLoginCodeForm",
    "confirm_login_code": "itou.www.signup.allauth_forms.ConfirmLoginCodeForm",
    "add_email": "itou.www.signup.allauth_forms.AddEmailForm",
    "change_password": "itou.www.signup.allauth_forms.ChangePasswordForm",
}
ACCOUNT_RATE_LIMITS = {
    # Login failures per (email, IP) pair, so that nobody can lock a person out from
    # elsewhere, and per IP across all accounts (itou/users/adapter.py).
    "login_failed": "5/5m/key,30/5m/ip",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "request_login_code": "20/m/ip,3/m/key",
    "change_password": "5/m/user",
}


# ProConnect (professionals) and FranceConnect (job seekers) over OpenID Connect, through
# allauth's openid_connect provider (docs/comptes.md). Each one is on only when its three
# variables are set; the server URL is the issuer (its /.well-known/openid-configuration).
def openid_connect_apps(environ) -> list[dict]:
    scopes = {
        "franceconnect": ["openid", "given_name", "family_name", "birthdate", "birthplace", "birthcountry", "email"],
        "proconnect": ["openid", "email", "given_name", "usual_name", "siret", "uid"],
    }
    names = {"franceconnect": "FranceConnect", "proconnect": "ProConnect"}
    apps = []
    for provider_id, prefix in (("franceconnect", "FRANCECONNECT"), ("proconnect", "PROCONNECT")):
        server_url = environ.get(f"{prefix}_SERVER_URL", "").strip()
        client_id = environ.get(f"{prefix}_CLIENT_ID", "").strip()
        secret = environ.get(f"{prefix}_CLIENT_SECRET", "")
        if not (server_url and client_id and secret):
            continue
        apps.append(
            {
                "provider_id": provider_id,
                "name": names[provider_id],
                "client_id": client_id,
                "secret": secret,
                "settings": {
                    "server_url": server_url.rstrip("/"),
                    "scope": scopes[provider_id],
                    "fetch_userinfo": True,
                    "oauth_pkce_enabled": True,
                    "token_auth_method": "client_secret_post",
                    # FranceConnect asks for the eIDAS level of the identity (eidas1: basic).
                    "auth_params": {"acr_values": "eidas1"} if provider_id == "franceconnect" else {},
                },
            }
        )
    return apps


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's provider, plus a nonce bound to the login (itou/users/oidc.py).
        "provider_class": "itou.users.oidc.OpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": openid_connect_apps(os.environ),
    }
}
SOCIALACCOUNT_ADAPTER = "itou.users.oidc.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "mandatory"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Les emplois de l'inclusion"

# A cache shared by every web process (rate limits of logins and codes rely on it).
# `default`: shared by every process (the database, or Redis with CACHE_URL), it holds the
# page cache's version counters among others; `pages`: the anonymous pages themselves
# (itou/utils/pagecache.py), in each process's memory unless CACHE_URL points to Redis.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL doit commencer par redis://, rediss:// ou unix://.")
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "pages",
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "itou-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        },
    }

# Lifetime of a cached anonymous page, in seconds (itou/utils/pagecache.py; 0: no cache).
PAGE_CACHE_SECONDS = 60

# Sessions in the database: web processes stay stateless.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / ".data" / "static"
STATICFILES_DIRS = [BASE_DIR / "itou" / "static"]
# Private files (CVs, proofs, attachments): an S3-compatible object store when S3_BUCKET is
# set, the local disk (MEDIA_ROOT, never served) otherwise. Downloads always go through a
# view that checks permissions first (itou/utils/private_files.py, docs/deploiement.md).
S3_BUCKET = os.environ.get("S3_BUCKET", "")
S3_SIGNED_URL_SECONDS = int(os.environ.get("S3_SIGNED_URL_SECONDS", "60"))


def s3_storage(bucket: str, *, endpoint_url=None, access_key="", secret_key="", region="us-east-1", timeout=5.0):
    """The `default` storage on an S3-compatible store (tests use it with their SeaweedFS)."""
    from botocore.config import Config

    addressing_style = os.environ.get("S3_ADDRESSING_STYLE", "path")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region,
            "access_key": access_key,
            "secret_key": secret_key,
            "addressing_style": addressing_style,
            "signature_version": "s3v4",
            # Private: no public ACL, every URL signed and short-lived, never overwritten.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": S3_SIGNED_URL_SECONDS,
            "file_overwrite": False,
            # A store that is down answers within seconds (French 503 page), not minutes.
            "client_config": Config(
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 2, "mode": "standard"},
                signature_version="s3v4",
                s3={"addressing_style": addressing_style},
            ),
        },
    }


if S3_BUCKET:
    _default_storage = s3_storage(
        S3_BUCKET,
        endpoint_url=os.environ.get("S3_ENDPOINT_URL"),
        access_key=os.environ.get("S3_ACCESS_KEY_ID", ""),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        region=os.environ.get("S3_REGION", "us-east-1"),
        timeout=float(os.environ.get("S3_TIMEOUT", "5")),
    )
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads up to the CV limit (5 MB) stay in memory instead of a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / ".data" / "media"))

# Emails: every message is queued as a procrastinate job (see itou/notifications).
EMAIL_BACKEND = "itou.notifications.backends.QueuedEmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Les emplois de l'inclusion <noreply@inclusion.gouv.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the job really delivers: SMTP when EMAIL_HOST is set, otherwise the database
# (readable at /dev/emails/ when DEBUG is on).
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "itou.notifications.backends.DatabaseEmailBackend",
)
# Where support requests (unknown structure, authorization claims…) are sent.
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@inclusion.gouv.fr")

# The 5-character issuer prefix of every PASS IAE number (docs/pass-iae.md).
APPROVAL_NUMBER_PREFIX = os.environ.get("APPROVAL_NUMBER_PREFIX", "99999")

# Employee records sent to the ASP by SFTP (docs/fiches-salarie.md). Upload and download
# jobs run only when ASP_TRANSFER_ENABLED; the host key must be in ASP_SFTP_KNOWN_HOSTS.
ASP_TRANSFER_ENABLED = env_bool("ASP_TRANSFER_ENABLED")
ASP_SFTP_HOST = os.environ.get("ASP_SFTP_HOST", "127.0.0.1")
ASP_SFTP_PORT = int(os.environ.get("ASP_SFTP_PORT", "2222"))
ASP_SFTP_USER = os.environ.get("ASP_SFTP_USER", "itou")
ASP_SFTP_PRIVATE_KEY_PATH = os.environ.get(
    "ASP_SFTP_PRIVATE_KEY_PATH", str(BASE_DIR / ".data" / "asp-sftp" / "client_key")
)
ASP_SFTP_KNOWN_HOSTS = os.environ.get("ASP_SFTP_KNOWN_HOSTS", str(BASE_DIR / ".data" / "asp-sftp" / "known_hosts"))
ASP_SFTP_TIMEOUT = float(os.environ.get("ASP_SFTP_TIMEOUT", "20"))
# Secret of the stable `idItou` of each job seeker (defaults to SECRET_KEY: never change it once used).
ASP_ID_ITOU_SECRET = os.environ.get("ASP_ID_ITOU_SECRET", "")
# Who hears about unreadable feedback files.
ASP_OPERATORS_EMAIL = os.environ.get("ASP_OPERATORS_EMAIL", "support@inclusion.gouv.fr")

# SIRENE company lookup (INSEE API): off when unset, names and addresses are then typed.
SIRENE_API_URL = os.environ.get("SIRENE_API_URL", "")
SIRENE_API_TOKEN = os.environ.get("SIRENE_API_TOKEN", "")
# The dev mailbox (/dev/emails/) comes with the demo, not with DEBUG.
DEV_MAILBOX_ENABLED = DEMO_MODE

# The demo (its login list and its mailbox showing codes and reset links) must never run
# on a production-looking configuration (docs/configuration.md, "Mode démonstration").
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}


def production_signs() -> list[str]:
    """What makes this configuration look like production, in French (empty when none)."""
    signs = []
    if APPROVAL_NUMBER_PREFIX != "99999":
        signs.append(f"APPROVAL_NUMBER_PREFIX={APPROVAL_NUMBER_PREFIX} (de vrais PASS IAE)")
    if EMAIL_HOST:
        signs.append("EMAIL_HOST (de vrais e-mails envoyés)")
    public_hosts = sorted(host for host in ALLOWED_HOSTS if host.lstrip(".") not in LOCAL_HOSTS)
    if public_hosts:
        signs.append(f"ALLOWED_HOSTS={','.join(public_hosts)} (un domaine public)")
    site_host = SITE_URL.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
    if site_host not in LOCAL_HOSTS:
        signs.append(f"SITE_URL={SITE_URL} (une adresse publique)")
    return signs


# A public demo server is possible, but only when said so: DEMO_PUBLIC=1 lifts the
# "public host" signs, never the real PASS prefix nor real email delivery.
DEMO_PUBLIC = env_bool("DEMO_PUBLIC")
if DEMO_MODE:
    _blocking = [
        sign for sign in production_signs() if not (DEMO_PUBLIC and sign.startswith(("ALLOWED_HOSTS", "SITE_URL")))
    ]
    if _blocking:
        raise ImproperlyConfigured(
            "DEMO_MODE (comptes de démonstration et boîte mail /dev/emails/) est refusé sur une "
            "configuration de production : " + " ; ".join(_blocking) + ". Voir docs/configuration.md."
        )


# Security headers. In production (DEBUG off) everything is strict by default.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "itou.www.home.views.csrf_failure"


def content_security_policy(oidc_apps: list[dict]) -> str:
    """The CSP; form-action also allows ProConnect and FranceConnect when they are on: the
    login and logout forms end in a redirect to them, which browsers check against it."""
    form_action = " ".join(
        ["'self'", *sorted({"/".join(app["settings"]["server_url"].split("/")[:3]) for app in oidc_apps})]
    )
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action {form_action}; "
        "base-uri 'self'; object-src 'none'"
    )


CONTENT_SECURITY_POLICY = content_security_policy(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"procrastinate": {"level": "WARNING"}},
}

# Content shown by django-dsfr's site configuration helpers.
DSFR_USE_INTEGRITY_CHECKSUMS = False


# API (docs/api.md): every view declares its authentication, scope and throttle; these
# defaults close whatever forgets to.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["itou.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "itou.api.errors.exception_handler",
    # No OPTIONS introspection: 405, as documented.
    "DEFAULT_METADATA_CLASS": None,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_THROTTLE_RATES": {
        "public": os.environ.get("API_THROTTLE_PUBLIC", "120/min"),
        "partner": os.environ.get("API_THROTTLE_PARTNER", "600/min"),
        "department": os.environ.get("API_THROTTLE_DEPARTMENT", "120/min"),
        "employer": os.environ.get("API_THROTTLE_EMPLOYER", "300/min"),
    },
    # Behind a load balancer, the number of proxies that append to X-Forwarded-For (the same
    # TRUSTED_PROXY_COUNT as the login limits); 0: the client is REMOTE_ADDR, never a header.
    "NUM_PROXIES": int(os.environ.get("TRUSTED_PROXY_COUNT", "0")),
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API des emplois de l'inclusion",
    "DESCRIPTION": (
        "Employeurs solidaires et fiches de poste (public), vérification des PASS IAE (partenaires), "
        "candidatures récentes d'une personne (départements), candidatures et fiches de poste d'une "
        "structure (logiciels des employeurs). Voir la page « API » du site."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SORT_OPERATIONS": False,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "itou.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "EtatCandidatureEnum": "itou.job_applications.enums.JobApplicationState",
        "TypeEmployeurEnum": "itou.companies.enums.CompanyKind",
        "TypePrescripteurEnum": "itou.prescribers.enums.PrescriberOrganizationKind",
        "TypeContratEnum": "itou.companies.enums.ContractType",
    },
}
# Client IP behind a load balancer (per-IP limits): the number of proxies we run, which
# append to X-Forwarded-For, or the header a trusted proxy sets (e.g. "X-Real-IP").
# Never trust these headers without a proxy that overwrites them (docs/configuration.md).
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = os.environ.get("TRUSTED_CLIENT_IP_HEADER") or None

# Browser features no page of the site uses.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), fullscreen=(self), "
    "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
    "picture-in-picture=(), publickey-credentials-get=(self), screen-wake-lock=(), usb=(), "
    "xr-spatial-tracking=()"
)

# Searches of job seekers by professionals in the apply journey, per hour (itou/audit).
PERSON_LOOKUP_LIMITS = {
    "user": int(os.environ.get("PERSON_LOOKUP_LIMIT_PER_USER", "30")),
    "organization": int(os.environ.get("PERSON_LOOKUP_LIMIT_PER_ORGANIZATION", "200")),
}
# Public PASS IAE checker: checks per IP and per 10 minutes.
APPROVAL_VERIFY_LIMIT_PER_IP = int(os.environ.get("APPROVAL_VERIFY_LIMIT_PER_IP", "10"))
