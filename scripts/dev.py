"""Orchestrates `make run` and `make test`.

- run: start the local PostgreSQL (when DATABASE_URL is unset), migrate, import the
  reference data, load the demo world, then serve http://localhost:8000 and the job
  worker until Ctrl-C, which stops everything this command started.
- test: the same database, then pytest; the database is stopped afterwards if this
  command started it.
- manage ARGS: any manage.py command with the same environment.
"""

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from scripts import localdb  # noqa: E402

PYTHON = sys.executable


def log(message: str) -> None:
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def ensure_database(env: dict) -> bool:
    """Point env at a database; return True when this call started the local cluster."""
    if env.get("DATABASE_URL"):
        log("Base de données : DATABASE_URL")
        return False
    was_running = localdb.is_running()
    started = time.monotonic()
    env["DATABASE_URL"] = localdb.start()
    if not was_running:
        log(f"PostgreSQL local démarré dans .data/pg en {time.monotonic() - started:.1f} s")
    return not was_running


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, sig)


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def is_true(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def dev_secret_key() -> str:
    """A random key kept in .data/ (never committed), so that sessions survive a restart."""
    path = BASE_DIR / ".data" / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def demo_environment(env: dict) -> dict:
    """`make run`: the production settings (DEBUG off) with the demo on, over plain HTTP
    on localhost. `DEBUG=1 make run` keeps the development mode (detailed error pages,
    static files read from their source folders)."""
    env.setdefault("DEMO_MODE", "1")
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not is_true(env.get("DEBUG")):
        env.setdefault("SECRET_KEY", dev_secret_key())
        env.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
        # http://localhost: no HTTPS redirect, no HSTS, cookies sent without TLS.
        for name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"):
            env.setdefault(name, "0")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def demo_oidc_provider(env: dict) -> list[str] | None:
    """In the demo (DEMO_MODE or DEBUG) and when neither service is configured: point both
    at the local provider on a free port of 127.0.0.1 and return its command."""
    if not (is_true(env.get("DEMO_MODE")) or is_true(env.get("DEBUG"))):
        return None
    if any(env.get(f"{prefix}_SERVER_URL") for prefix in ("PROCONNECT", "FRANCECONNECT")):
        return None
    from devtools.oidc_provider.identities import client_secret

    port = free_port()
    for provider_id in ("franceconnect", "proconnect"):
        client_id, secret = client_secret(provider_id)
        prefix = provider_id.upper()
        env[f"{prefix}_SERVER_URL"] = f"http://127.0.0.1:{port}"
        env[f"{prefix}_CLIENT_ID"] = client_id
        env[f"{prefix}_CLIENT_SECRET"] = secret
    log(f"Fournisseur d'identité local (FranceConnect et ProConnect de démonstration) sur http://127.0.0.1:{port}")
    return [PYTHON, "-m", "devtools.oidc_provider", "--port", str(port), "--identities", "itou.demo.oidc:IDENTITIES"]


def run() -> int:
    env = demo_environment(dict(os.environ))
    debug = is_true(env.get("DEBUG"))
    env["PYTHONUNBUFFERED"] = "1"
    started_db = ensure_database(env)
    children: list[subprocess.Popen] = []

    def shutdown(*_args):
        raise KeyboardInterrupt

    # SIGINT too: a shell that starts `make run` in the background makes it ignore SIGINT.
    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGINT, shutdown)
    try:
        log("Migrations")
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        log("Données de référence (communes, métiers ROME, critères d'éligibilité)")
        manage(env, "import_geo")
        manage(env, "import_rome")
        manage(env, "import_criteria")
        manage(env, "import_asp")
        log("Monde de démonstration")
        manage(env, "load_demo")
        serve = ["runserver"]
        if not debug:
            # DEBUG off: WhiteNoise serves the hashed, pre-compressed files of STATIC_ROOT
            # (as in production); runserver's own static view is left out.
            log("Fichiers statiques (collectstatic, seulement si quelque chose a changé)")
            manage(env, "collectstatic_if_changed")
            serve.append("--nostatic")
        port = env.get("PORT", "8000")
        mode = "DEBUG activé" if debug else "DEBUG désactivé, comme en production"
        log(f"Serveur sur http://localhost:{port} ({mode}) et worker de tâches (Ctrl-C pour tout arrêter)")
        # Each child leads its own process group, so that stopping it also reaches the
        # runserver autoreloader's inner process.
        # The ASP side of employee records: a local SFTP server and the simulator, which
        # also runs the upload/download jobs every minute (docs/fiches-salarie.md).
        env.setdefault("ASP_TRANSFER_ENABLED", "1")
        # ProConnect and FranceConnect: the local OpenID Connect provider (devtools/oidc_provider),
        # with identities matching demo accounts (itou/demo/oidc.py), unless real ones are set.
        oidc_command = demo_oidc_provider(env)
        if oidc_command:
            children.append(subprocess.Popen(oidc_command, cwd=BASE_DIR, env=env, start_new_session=True))
        for command in (
            [*serve, f"localhost:{port}"],
            ["procrastinate", "worker"],
            ["asp_sftp_server"],
            ["asp_simulator", "--loop", "60", "--with-jobs"],
        ):
            children.append(
                subprocess.Popen([PYTHON, "manage.py", *command], cwd=BASE_DIR, env=env, start_new_session=True)
            )
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return max(child.returncode or 0 for child in children if child.poll() is not None)
    except KeyboardInterrupt:
        log("Arrêt…")
        return 0
    except subprocess.CalledProcessError as error:
        return error.returncode
    finally:
        # A second signal (a second Ctrl-C, `make` passing on its own SIGTERM) must not cut
        # the cleanup short: the children and the local PostgreSQL would be left running.
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for child in children:
            _signal_group(child, signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
        if started_db:
            localdb.stop()
            log("PostgreSQL local arrêté")


def test(args: list[str]) -> int:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    env.pop("DEBUG", None)
    started_db = ensure_database(env)
    try:
        return subprocess.run([PYTHON, "-m", "pytest", *args], cwd=BASE_DIR, env=env).returncode
    except KeyboardInterrupt:
        return 130
    finally:
        if started_db:
            localdb.stop()


def manage_command(args: list[str]) -> int:
    env = dict(os.environ)
    if env.get("DJANGO_SETTINGS_MODULE", "config.settings") == "config.settings":
        env.setdefault("DEBUG", "1")
    ensure_database(env)
    return subprocess.run([PYTHON, "manage.py", *args], cwd=BASE_DIR, env=env).returncode


if __name__ == "__main__":
    command, rest = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command == "run":
        sys.exit(run())
    if command == "test":
        sys.exit(test(rest))
    if command == "manage":
        sys.exit(manage_command(rest))
    sys.exit("usage: scripts/dev.py run | test [pytest args] | manage ARGS")
