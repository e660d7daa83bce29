"""Load test: gunicorn (2 workers) on 127.0.0.1 against the France-scale database, locust
headless, one scenario after another (bench/locustfile.py).

    .venv/bin/python bench/load.py [--users 6] [--duration 30] [--output bench/results/AAAA-MM-JJ-load.md]

Same database and settings as bench/run.py (BENCH_DATABASE_URL, DEBUG off). The trivial
Django view (bench/trivial.py, routed by bench/urls.py only) is served by the same
gunicorn in the same run: the anonymous search must keep at least 50 % of its throughput.
gunicorn is stopped at the end, whatever happens. Only 127.0.0.1 receives traffic.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402

SCENARIOS = [
    # (locust user class, label, path shown)
    ("Trivial", "vue Django triviale (référence)", "/__bench__/trivial/"),
    (
        "AnonymousSearch",
        "recherche employeurs anonyme, 25 km, sans cache",
        "/rechercher/employeurs/?commune_code=…&radius=25&_=n",
    ),
    (
        "JobSearch",
        "recherche fiches de poste anonyme, 25 km, sans cache",
        "/rechercher/fiches-de-poste/?commune_code=…&radius=25&_=n",
    ),
    (
        "CachedSearch",
        "recherche employeurs anonyme répétée (cache)",
        "/rechercher/employeurs/?commune_code=…&radius=25",
    ),
    ("EmployerInbox", "candidatures reçues, employeur connecté", "/candidatures/recues/"),
]
RATIO_BUDGET = 0.5
# Requests per second (issue 17): uncached searches, the logged-in inbox.
RPS_BUDGETS = {"AnonymousSearch": 200, "JobSearch": 200, "EmployerInbox": 100}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def employer_sessions(count: int) -> tuple[list[str], str, int]:
    """Sessions of the busiest employer, created beforehand (as a login would)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from itou.organizations.current import SESSION_KEY as ORGANIZATION_KEY

    actors = run.bench_actors()
    user = actors["employer"]
    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[ORGANIZATION_KEY] = f"company:{actors['company_id']}"
        session.create()
        keys.append(session.session_key)
    return keys, user.email, actors["received"]


def delete_sessions(keys: list[str]) -> None:
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=keys).delete()


def wait_until_up(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn s'est arrêté (code {process.returncode})")
        try:
            with urllib.request.urlopen(f"{base_url}/__bench__/trivial/", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn ne répond pas")


def stop(process: subprocess.Popen | None) -> None:
    """Stop the gunicorn we started (its own process group: master and workers)."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def read_stats(prefix: str) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    row = next(row for row in rows if row["Name"] == "Aggregated")
    return {
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p95": float(row["95%"]),
        "p99": float(row["99%"]),
        "size": float(row["Average Content Size"]),
    }


def run_locust(user_class: str, base_url: str, users: int, duration: int, workdir: str, sessions) -> dict:
    prefix = os.path.join(workdir, user_class)
    env = {**os.environ, "BENCH_SESSIONS": json.dumps(sessions)}
    command = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{duration}s",
        "--stop-timeout",
        "5",
        "--csv",
        prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
        user_class,
    ]
    subprocess.run(command, env=env, cwd=ROOT, check=False, timeout=duration + 60)
    return read_stats(prefix)


def fr(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def report(results, facts, pg, load_before, load_after, args, employer, received, workers) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        f"# Test de charge — {today}",
        "",
        f"`bench/load.py` (`make bench`) : gunicorn {workers} workers synchrones sur 127.0.0.1, réglages réels "
        f"avec `DEBUG` désactivé, base France ; locust sans interface, {args.users} utilisateurs virtuels sans "
        f"pause (boucle fermée), {args.duration} s par scénario, un scénario après l'autre, locust sur la même "
        "machine que gunicorn et PostgreSQL. Temps de réponse vus du client (file d'attente comprise).",
        "",
        "## La machine",
        "",
        "| | |",
        "|---|---|",
    ]
    for key, value in {**facts, **pg}.items():
        lines.append(f"| {key} | {value} |")
    lines += [
        f"| charge moyenne (1, 5, 15 min) avant | {load_before} |",
        f"| charge moyenne après | {load_after} |",
        "",
        "## Résultats",
        "",
        "| scénario | URL | requêtes | échecs | requêtes/s | p50 | p95 | p99 | poids moyen |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (_cls, label, path), stats in results:
        lines.append(
            f"| {label} | `{path}` | {stats['requests']} | {stats['failures']} | {fr(stats['rps'], 1)} | "
            f"{fr(stats['p50'])} ms | {fr(stats['p95'])} ms | {fr(stats['p99'])} ms | "
            f"{fr(stats['size'] / 1024, 1)} Ko |"
        )
    by_class = {cls: stats for (cls, _label, _path), stats in results}
    trivial = by_class["Trivial"]
    lines += [
        "",
        f"Employeur connecté : `{employer}` ({received} candidatures reçues), par des sessions créées "
        "avant le test (comme après une connexion). « Sans cache » : chaque requête porte un paramètre "
        "`_` différent, que le formulaire ignore mais que le cache des pages anonymes prend dans sa clé : "
        "chaque requête est un défaut de cache (rendu complet, puis mise en cache).",
        "",
        "| scénario | requêtes/s | part de la vue triviale | budget |",
        "|---|---:|---:|---|",
    ]
    for (cls, label, _path), stats in results:
        if cls == "Trivial":
            continue
        share = stats["rps"] / trivial["rps"] if trivial["rps"] else 0
        if cls == "CachedSearch":
            budget = f"≥ 50 % de la vue triviale : {'✅' if share >= RATIO_BUDGET else '❌'}"
        elif cls in RPS_BUDGETS:
            budget = f"≥ {RPS_BUDGETS[cls]} req/s : {'✅' if stats['rps'] >= RPS_BUDGETS[cls] else '❌'}"
        else:
            budget = ""
        lines.append(f"| {label} | {fr(stats['rps'], 1)} | {fr(share * 100)} % | {budget} |")
    lines.append("")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=int(os.environ.get("BENCH_USERS", 6)))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 30)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", type=Path)
    parser.add_argument(
        "--scenarios",
        help="only these scenarios, comma-separated (names: " + ", ".join(s[0] for s in SCENARIOS) + ")",
    )
    args = parser.parse_args(argv)
    scenarios = SCENARIOS
    if args.scenarios:
        names = [name.strip() for name in args.scenarios.split(",") if name.strip()]
        unknown = set(names) - {s[0] for s in SCENARIOS}
        if unknown:
            parser.error(f"scénario inconnu : {', '.join(sorted(unknown))}")
        # The trivial view is the reference of every ratio: always measured.
        scenarios = [s for s in SCENARIOS if s[0] == "Trivial" or s[0] in names]

    url = run.setup_django()
    facts, pg = run.machine_facts(), run.postgresql_facts()
    sessions, employer, received = employer_sessions(args.users)
    from django.db import connections

    connections.close_all()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    gunicorn = None
    results = []
    load_before = run.load_average()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-load-") as workdir:
            gunicorn = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "bench.trivial:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    str(args.workers),
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env={**os.environ, "DATABASE_URL": url},
                start_new_session=True,
            )
            wait_until_up(base_url, gunicorn)
            for scenario in scenarios:
                print(f"locust : {scenario[1]} ({args.duration} s)", flush=True)
                stats = run_locust(scenario[0], base_url, args.users, args.duration, workdir, sessions)
                print(
                    f"  {fr(stats['rps'], 1)} req/s, p50 {fr(stats['p50'])} ms, p95 {fr(stats['p95'])} ms, "
                    f"p99 {fr(stats['p99'])} ms, {stats['failures']} échecs",
                    flush=True,
                )
                results.append((scenario, stats))
    finally:
        stop(gunicorn)
        delete_sessions(sessions)
    text = report(results, facts, pg, load_before, run.load_average(), args, employer, received, args.workers)
    output = args.output or run.RESULTS / f"{datetime.date.today().isoformat()}-load.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(f"→ {output}")
    return 0 if all(stats["failures"] == 0 for _s, stats in results) else 1


if __name__ == "__main__":
    sys.exit(main())
