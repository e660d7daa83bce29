"""Run the local OpenID Connect provider: `python -m devtools.oidc_provider [--port 0]`.

Creates its database when missing (on the platform's PostgreSQL server, named after
DATABASE_URL's database with the suffix `_oidc_provider`, unless --database-url), applies
its migrations, registers the FranceConnect-like and ProConnect-like clients and the
identities, then serves on 127.0.0.1. The first output line is
`OIDC provider listening on http://127.0.0.1:<port>` (the tests read the port from it)."""

import argparse
import importlib
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CALLBACK_PATH = "/comptes/oidc/{provider_id}/login/callback/"
POST_LOGOUT_PATH = "/"


def provider_database_url(database_url: str) -> str:
    """The same server as the platform's database, another database name."""
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/") or "itou"
    return urlunsplit(parts._replace(path=f"/{name}_oidc_provider"))


def ensure_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def ensure_key(path: Path) -> None:
    """An RSA key for RS256 ID tokens, kept in a file so that restarts keep the same key."""
    if path.exists():
        return
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pem)
    path.chmod(0o600)


def load_identities(spec: str) -> list[dict]:
    module_name, _, attribute = spec.partition(":")
    return list(getattr(importlib.import_module(module_name), attribute))


def seed(people: list[dict]) -> None:
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    from devtools.oidc_provider import identities
    from devtools.oidc_provider.validator import REGISTRY

    for client_id, (name, kind, secret) in identities.CLIENTS.items():
        application = Application.objects.filter(client_id=client_id).first() or Application(client_id=client_id)
        application.name = name
        application.client_type = Application.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = Application.GRANT_AUTHORIZATION_CODE
        application.client_secret = secret
        application.algorithm = Application.RS256_ALGORITHM
        application.skip_authorization = False
        application.redirect_uris = " ".join(
            host + CALLBACK_PATH.format(provider_id=kind) for host in identities.REDIRECT_HOSTS
        )
        application.post_logout_redirect_uris = " ".join(host + POST_LOGOUT_PATH for host in identities.REDIRECT_HOSTS)
        application.save()
    User = get_user_model()
    for person in people:
        user, _ = User.objects.get_or_create(username=person["username"])
        user.first_name = person.get("given_name", "")[:150]
        user.last_name = (person.get("family_name") or person.get("usual_name") or "")[:150]
        user.email = person.get("email", "")
        user.set_unusable_password()
        user.save()
        REGISTRY[person["username"]] = person


def serve(host: str, port: int, verbose: bool = False) -> None:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            if verbose:
                super().log_message(format, *args)

    server = ThreadedWSGIServer((host, port), QuietHandler, ipv6=False)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    print(f"OIDC provider listening on http://{host}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--database-url", default=os.environ.get("OIDC_PROVIDER_DATABASE_URL", ""))
    parser.add_argument("--key-file", default=str(BASE_DIR / ".data" / "oidc-provider" / "rs256.pem"))
    parser.add_argument(
        "--identities",
        default="devtools.oidc_provider.identities:TEST_IDENTITIES",
        help="module:attribute, a list of identities",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    database_url = args.database_url
    if not database_url:
        if not os.environ.get("DATABASE_URL"):
            print("DATABASE_URL ou --database-url est nécessaire.", file=sys.stderr)
            return 2
        database_url = provider_database_url(os.environ["DATABASE_URL"])
    ensure_database(database_url)
    key_file = Path(args.key_file)
    ensure_key(key_file)
    os.environ["OIDC_PROVIDER_DATABASE_URL"] = database_url
    os.environ["OIDC_PROVIDER_KEY_FILE"] = str(key_file)
    os.environ["DJANGO_SETTINGS_MODULE"] = "devtools.oidc_provider.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    seed(load_identities(args.identities))
    serve(args.host, args.port, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
