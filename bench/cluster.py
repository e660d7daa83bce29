"""Several web and worker processes on this machine, as in production (docs/deploiement.md).

    .venv/bin/python bench/cluster.py                 # start everything, print the address, Ctrl-C stops it all
    .venv/bin/python bench/cluster.py --fault-test    # start, measure, break things, write bench/results/…-cluster.md
    make cluster [ARGS=--fault-test]

What it starts, all on 127.0.0.1 and free ports, in a throwaway folder:
- PostgreSQL (a dedicated cluster from the `pgserver` binaries, migrated from scratch:
  the fault test restarts it, so it is never the project's or the machine's own server);
- SeaweedFS, the S3 store of the private files (scripts/seaweed.py);
- 2 gunicorn web processes (2 workers each) behind HAProxy (Debian package `haproxy`:
  `apt-get install haproxy`), which checks /sante/ every 500 ms;
- 2 procrastinate workers (the emails queue and the others).
Sessions (database), cache (database), files (S3) and jobs (PostgreSQL) are shared: a
user's requests go to either web process without them noticing.

The fault test (bounded, loopback only; not part of the test suite):
1. throughput through the balancer (anonymous home page, logged-in dashboard);
2. one web process killed (SIGKILL) during a load test: failed requests before and after
   the health-check period;
3. a worker killed (SIGKILL) while it sends 300 emails, restarted, its jobs taken back by
   `retry_stalled_jobs`: each email delivered exactly once;
4. PostgreSQL restarted during a load test: French 503 pages for a few seconds, then
   recovery without restarting any web process.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))

from scripts.pgcluster import PgCluster, bin_dir  # noqa: E402
from scripts.seaweed import SeaweedServer, free_port_pair  # noqa: E402

PYTHON = sys.executable
EMAIL = "camille.cluster@example.com"
PASSWORD = "Cluster-de-test-2026!"  # a throwaway account of a throwaway database
FRENCH_503 = "Service momentanément indisponible"
OUTAGE_SECONDS = 3
HEALTH_INTERVAL_MS = 500
HEALTH_FALL = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(f"\033[1;34m==>\033[0m {message}", flush=True)


def _signal_group(process: subprocess.Popen, sig) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


HAPROXY_CONFIG = """global
    maxconn 2000
defaults
    mode http
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    # A refused connection (dead process) is retried on the other server.
    retries 3
    option redispatch 1
frontend itou
    bind 127.0.0.1:{port}
    default_backend web
backend web
    balance roundrobin
    # A GET cut by a dying process (empty answer) is replayed on the other server; never a POST.
    retry-on conn-failure empty-response response-timeout
    http-request disable-l7-retry if !METH_GET !METH_HEAD
    option httpchk GET /sante/
    http-check expect status 200
    default-server inter {inter}ms fall {fall} rise 2
    http-response set-header X-Itou-Backend %s
{servers}
"""


@dataclass
class Cluster:
    workdir: Path
    web_count: int = 2
    web_workers: int = 2
    worker_count: int = 2
    pg: PgCluster | None = None
    s3: SeaweedServer | None = None
    lb_port: int = 0
    web_ports: list = field(default_factory=list)
    webs: list = field(default_factory=list)
    workers: list = field(default_factory=list)
    haproxy: subprocess.Popen | None = None
    env: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    def manage(self, *args, capture=False) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=self.env, check=True, capture_output=capture, text=True
        )
        return result.stdout if capture else ""

    def start(self) -> Cluster:
        haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(haproxy).exists():
            raise SystemExit("HAProxy est nécessaire : apt-get install haproxy (paquet Debian).")
        log("PostgreSQL dédié (binaires pgserver)")
        self.pg = PgCluster(self.workdir / "pg", free_port()).init()
        with open(self.pg.data / "postgresql.conf", "a") as conf:
            conf.write("max_connections = 200\n")
        self.pg.start()
        subprocess.run(
            [str(bin_dir() / "createdb"), "-h", "127.0.0.1", "-p", str(self.pg.port), "-U", "postgres", "itou"],
            check=True,
        )
        log("SeaweedFS (S3)")
        self.s3 = SeaweedServer(self.workdir / "s3", free_port_pair()).start()
        self.s3.create_bucket("itou-cluster")
        self.lb_port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": f"{self.pg.url}/itou",
            **self.s3.env("itou-cluster"),
            "SECRET_KEY": "cluster-local-" + "k" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": f"http://127.0.0.1:{self.lb_port}",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "DEBUG": "0",
            "DEMO_MODE": "0",
            "CONN_MAX_AGE": "60",
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        self.env.pop("DATABASE_REPLICA_URL", None)
        log("Migrations, table du cache, fichiers statiques")
        started = time.monotonic()
        self.manage("migrate", "--noinput", "-v", "0")
        self.manage("createcachetable")
        self.manage("collectstatic_if_changed")
        self.migrate_seconds = time.monotonic() - started
        self.manage(
            "shell",
            "-c",
            "from allauth.account.models import EmailAddress\n"
            "from itou.users.enums import UserKind\n"
            "from itou.users.models import User\n"
            f"u = User.objects.create_user(email='{EMAIL}', password='{PASSWORD}', kind=UserKind.JOB_SEEKER,"
            " first_name='Camille', last_name='Cluster')\n"
            "EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)\n",
        )
        for _ in range(self.web_count):
            self.web_ports.append(free_port())
            self.webs.append(None)
        for index in range(self.web_count):
            self.start_web(index)
        for index in range(self.worker_count):
            self.workers.append(None)
            self.start_worker(index)
        config = self.workdir / "haproxy.cfg"
        config.write_text(
            HAPROXY_CONFIG.format(
                port=self.lb_port,
                inter=HEALTH_INTERVAL_MS,
                fall=HEALTH_FALL,
                servers="\n".join(
                    f"    server web{i + 1} 127.0.0.1:{port} check" for i, port in enumerate(self.web_ports)
                ),
            )
        )
        subprocess.run([haproxy, "-c", "-q", "-f", str(config)], check=True)
        self.haproxy = subprocess.Popen(
            [haproxy, "-f", str(config), "-db"],
            stdout=open(self.workdir / "haproxy.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for port in self.web_ports:
            wait_http(f"http://127.0.0.1:{port}/sante/")
        wait_http(f"{self.url}/sante/")
        time.sleep(HEALTH_INTERVAL_MS * 3 / 1000)  # both servers seen up (rise 2)
        return self

    def start_web(self, index: int) -> None:
        port = self.web_ports[index]
        self.webs[index] = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}"]
            + ["-w", str(self.web_workers), "--timeout", "30", "--graceful-timeout", "5"]
            + ["--error-logfile", str(self.workdir / f"web{index + 1}.log")],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )

    def start_worker(self, index: int) -> None:
        self.workers[index] = subprocess.Popen(
            # 4 jobs at a time each (emails wait on the network): a kill always lands mid-send.
            [PYTHON, "manage.py", "procrastinate", "worker", "--concurrency", "4"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.workdir / f"worker{index + 1}.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self) -> None:
        for process in [*self.webs, *self.workers, self.haproxy]:
            if process is not None and process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        for process in [*self.webs, *self.workers, self.haproxy]:
            if process is None:
                continue
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
        if self.s3:
            self.s3.stop()
        if self.pg:
            self.pg.stop("immediate")

    def sql(self, query: str):
        import psycopg

        with psycopg.connect(self.pg.dsn("itou"), autocommit=True) as conn:
            return conn.execute(query).fetchall()


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} ne répond pas.")


def login(base: str) -> str:
    """A real login through the balancer; returns the session cookie."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/comptes/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": EMAIL, "password": PASSWORD}).encode()
    opener.open(urllib.request.Request(f"{base}/comptes/login/", data, headers={"Referer": f"{base}/comptes/login/"}))
    session = next((c.value for c in jar if c.name == "sessionid"), None)
    if not session:
        raise RuntimeError("La connexion de l'utilisateur de test a échoué.")
    return session


@dataclass
class Sample:
    at: float
    path: str
    status: int  # 0: no HTTP answer
    backend: str
    french_503: bool
    ok: bool


def load(base: str, paths, *, seconds: float, threads: int, session: str, during=None) -> list[Sample]:
    """`threads` clients in a loop over `paths` for `seconds`; `during(t0)` runs alongside."""
    samples: list[Sample] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds
    t0 = time.monotonic()

    def client(offset):
        index = offset
        while time.monotonic() < stop_at:
            path = paths[index % len(paths)]
            index += 1
            request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={session}"})
            status, backend, body = 0, "", ""
            try:
                with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
                    status, backend, body = response.status, response.headers.get("X-Itou-Backend", ""), response.read()
            except urllib.error.HTTPError as error:
                status, backend, body = error.code, error.headers.get("X-Itou-Backend", ""), error.read()
            except OSError:
                pass
            text = body.decode(errors="replace") if body else ""
            # The logged-in page must show the user: the session was found, whatever the process.
            ok = status == 200 and ("dashboard" not in path or "Camille" in text)
            with lock:
                samples.append(Sample(time.monotonic() - t0, path, status, backend, FRENCH_503 in text, ok))

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    if during:
        during(t0)
    for worker in workers:
        worker.join()
    return samples


DASHBOARD = "/tableau-de-bord/"


def scenario_throughput(cluster: Cluster, session: str) -> dict:
    figures = {}
    for label, paths in (("accueil anonyme (/)", ["/"]), ("tableau de bord connecté", [DASHBOARD])):
        samples = load(cluster.url, paths, seconds=10, threads=8, session=session)
        ok = [s for s in samples if s.ok]
        by_backend = {b: sum(1 for s in ok if s.backend == b) for b in sorted({s.backend for s in ok})}
        figures[label] = {
            "requests": len(samples),
            "ok": len(ok),
            "rps": round(len(ok) / 10, 1),
            "by_backend": by_backend,
        }
        log(f"{label} : {figures[label]}")
    return figures


def scenario_web_killed(cluster: Cluster, session: str) -> dict:
    kill_at = 5.0
    killed = {}

    def during(t0):
        time.sleep(max(0, kill_at - (time.monotonic() - t0)))
        _signal_group(cluster.webs[0], signal.SIGKILL)
        killed["at"] = time.monotonic() - t0

    samples = load(cluster.url, ["/", DASHBOARD], seconds=15, threads=6, session=session, during=during)
    grace = HEALTH_INTERVAL_MS * HEALTH_FALL / 1000
    failed = [s for s in samples if not s.ok]
    after = [s for s in samples if s.at > killed["at"] + grace]
    result = {
        "requests": len(samples),
        "failed_total": len(failed),
        "failed_before_kill": sum(1 for s in failed if s.at < killed["at"]),
        "failed_during_health_check_period": sum(1 for s in failed if killed["at"] <= s.at <= killed["at"] + grace),
        "failed_after_health_check_period": sum(1 for s in failed if s.at > killed["at"] + grace),
        "health_check_period_s": grace,
        "served_after_by": {b: sum(1 for s in after if s.backend == b) for b in sorted({s.backend for s in after})},
        "statuses_failed": sorted({s.status for s in failed}),
    }
    log(f"web1 tué : {result}")
    cluster.start_web(0)
    wait_http(f"http://127.0.0.1:{cluster.web_ports[0]}/sante/")
    time.sleep(HEALTH_INTERVAL_MS * 3 / 1000)
    return result


def scenario_worker_killed(cluster: Cluster, count: int = 1000) -> dict:
    run = datetime.datetime.now().strftime("%H%M%S")
    # One transaction: the jobs appear at once, and the workers send while we watch.
    queued = subprocess.Popen(
        [PYTHON, "manage.py", "shell", "-c"]
        + [
            "from django.core import mail\nfrom django.db import transaction\nwith transaction.atomic():\n"
            f"    for i in range({count}):\n"
            f"        mail.send_mail('Test de panne {run} n° ' + str(i), 'Texte', None, ['p' + str(i) + '@example.com'])\n"
        ],
        cwd=ROOT,
        env=cluster.env,
    )
    started = time.monotonic()

    def delivered():
        return cluster.sql(f"SELECT count(*) FROM notifications_sentemail WHERE subject LIKE 'Test de panne {run} %'")[
            0
        ][0]

    while delivered() < count // 10:
        time.sleep(0.02)
    doing = cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")[0][0]
    _signal_group(cluster.workers[0], signal.SIGKILL)
    queued.wait()
    killed_after = delivered()
    log(f"worker1 tué après {killed_after} e-mails envoyés ; redémarré")
    cluster.start_worker(0)
    stalled_wait = time.monotonic()
    # retry_stalled_jobs (every 10 minutes in production) takes back the jobs of a worker
    # without heartbeat for 30 s: run it as soon as it can see them.
    time.sleep(35)
    # The killed worker's jobs, still "doing": those whose email already left (its key is
    # recorded) are the ones a naive retry would send twice.
    stalled = cluster.sql(
        "SELECT count(*), count(d.key) FROM procrastinate_jobs j"
        " LEFT JOIN notifications_emaildelivery d ON d.key = j.args->>'key'"
        " WHERE j.status = 'doing' AND j.task_name = 'send_email'"
    )[0]
    cluster.manage(
        "shell",
        "-c",
        "import time\nfrom procrastinate import exceptions\nfrom itou.utils.tasks import retry_stalled_jobs\n"
        "try:\n    retry_stalled_jobs.defer(timestamp=int(time.time()))\n"
        "except exceptions.AlreadyEnqueued:\n    pass\n",
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        left = cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE status IN ('todo', 'doing')")[0][0]
        if not left:
            break
        time.sleep(0.5)
    rows = cluster.sql(
        "SELECT subject, count(*) FROM notifications_sentemail "
        f"WHERE subject LIKE 'Test de panne {run} %' GROUP BY subject"
    )
    retried = cluster.sql("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'send_email' AND attempts > 1")[0][
        0
    ]
    result = {
        "emails_queued": count,
        "delivered_when_killed": killed_after,
        "jobs_in_progress_when_killed": doing,
        "distinct_delivered": len(rows),
        "duplicates": sum(n - 1 for _subject, n in rows if n > 1),
        "missing": count - len(rows),
        # Jobs started more than once: those of the killed worker, run again.
        "jobs_taken_back": cluster.sql(
            "SELECT count(*) FROM (SELECT e.job_id FROM procrastinate_events e"
            " JOIN procrastinate_jobs j ON j.id = e.job_id AND j.task_name = 'send_email'"
            " WHERE e.type = 'started' GROUP BY e.job_id HAVING count(*) > 1) AS again"
        )[0][0],
        "jobs_with_several_attempts": retried,
        "stalled_jobs": stalled[0],
        "stalled_jobs_already_delivered": stalled[1],
        "seconds_until_all_delivered": round(time.monotonic() - started, 1),
        "seconds_waiting_stalled_detection": round(time.monotonic() - stalled_wait, 1),
    }
    log(f"worker tué : {result}")
    return result


def scenario_postgres_restarted(cluster: Cluster, session: str) -> dict:
    restart = {}

    def during(t0):
        time.sleep(4)
        restart["start"] = time.monotonic() - t0
        cluster.pg.stop("fast")
        time.sleep(OUTAGE_SECONDS)  # a failover or a maintenance restart, not an instant one
        cluster.pg.start()
        restart["end"] = time.monotonic() - t0

    samples = load(cluster.url, [DASHBOARD, "/"], seconds=16, threads=6, session=session, during=during)
    failed = [s for s in samples if not s.ok]
    after = [s for s in samples if s.at > restart["end"]]
    first_ok_after = next((s.at for s in sorted(after, key=lambda s: s.at) if s.ok), None)
    last_failure = max((s.at for s in failed), default=None)
    result = {
        "requests": len(samples),
        "restart_seconds": round(restart["end"] - restart["start"], 2),
        "failed": len(failed),
        "failed_french_503": sum(1 for s in failed if s.status == 503 and s.french_503),
        "failed_other": [s.status for s in failed if not (s.status == 503 and s.french_503)][:20],
        "error_window_seconds": round(last_failure - min(s.at for s in failed), 2) if failed else 0,
        "last_failure_after_restart_end_s": round(last_failure - restart["end"], 2) if failed else None,
        "first_ok_after_restart_end_s": round(first_ok_after - restart["end"], 2) if first_ok_after else None,
        "ok_in_last_5_s": sum(1 for s in samples if s.at > 11 and s.ok),
        "failed_in_last_5_s": sum(1 for s in samples if s.at > 11 and not s.ok),
    }
    log(f"PostgreSQL redémarré : {result}")
    return result


def write_results(path: Path, cluster: Cluster, figures: dict) -> None:
    t, w, m, p = figures["throughput"], figures["web"], figures["worker"], figures["postgres"]
    lines = [
        f"# Grappe locale et test de panne — {datetime.date.today():%d/%m/%Y}",
        "",
        "`bench/cluster.py --fault-test` sur cette machine (2 cœurs partagés avec les autres tâches du moment,"
        f" charge moyenne {figures['load_average']} au début) :",
        f"HAProxy → {cluster.web_count} gunicorn × {cluster.web_workers} workers, {cluster.worker_count} workers"
        " procrastinate, PostgreSQL dédié (binaires pgserver), SeaweedFS (S3). Base vide sauf un compte candidat ;",
        f"contrôle de santé HAProxy `/sante/` toutes les {HEALTH_INTERVAL_MS} ms, serveur retiré après"
        f" {HEALTH_FALL} échecs. Clients : threads Python sur la même machine (ils prennent aussi du CPU).",
        "",
        "## Débit à travers le répartiteur (10 s, 8 clients)",
        "",
        "| page | requêtes réussies | req/s | réparties entre |",
        "|---|---|---|---|",
    ]
    for label, f in t.items():
        lines.append(f"| {label} | {f['ok']} / {f['requests']} | {f['rps']} | {json.dumps(f['by_backend'])} |")
    lines += [
        "",
        "Le tableau de bord connecté affiche le nom de l'utilisateur sur chaque réponse, servie par l'un ou",
        "l'autre processus web : la session (en base) est partagée.",
        "",
        "## Un processus web tué (SIGKILL) pendant la charge (15 s, 6 clients)",
        "",
        f"- requêtes : {w['requests']}, en échec : {w['failed_total']} (statuts {w['statuses_failed']})",
        f"- échecs avant l'arrêt : {w['failed_before_kill']} ; pendant la période de contrôle de santé"
        f" ({w['health_check_period_s']} s) : {w['failed_during_health_check_period']} ;"
        f" **après : {w['failed_after_health_check_period']}**",
        f"- servies après la période par : {json.dumps(w['served_after_by'])}",
        "- HAProxy rejoue sur l'autre serveur une connexion refusée (`retries 3`, `option redispatch`) et un GET",
        "  resté sans réponse (`retry-on conn-failure empty-response response-timeout`, jamais un POST) ;",
        "  un POST en cours dans le processus tué peut échouer (l'utilisateur le renvoie).",
        "",
        f"## Un worker tué (SIGKILL) pendant l'envoi de {m['emails_queued']} e-mails",
        "",
        f"- tué après {m['delivered_when_killed']} e-mails envoyés ({m['jobs_in_progress_when_killed']} tâches"
        " en cours dans les deux workers), redémarré aussitôt ;",
        f"- tâches du worker tué restées « en cours » : {m['stalled_jobs']}, dont"
        f" {m['stalled_jobs_already_delivered']} dont l'e-mail était déjà parti (clé enregistrée) ;",
        f"- tâches reprises par `retry_stalled_jobs` : {m['jobs_taken_back']}"
        f" (détection d'un worker sans battement de cœur : 30 s) ;",
        f"- e-mails distincts envoyés : {m['distinct_delivered']} / {m['emails_queued']},"
        f" **doublons : {m['duplicates']}**, manquants : {m['missing']} ;",
        f"- tout envoyé en {m['seconds_until_all_delivered']} s (dont l'attente de la détection).",
        "- Exactement une fois : chaque tâche `send_email` porte une clé, enregistrée dans la transaction de",
        "  l'envoi (`EmailDelivery`) ; une tâche rejouée trouve la clé et s'arrête. Envoi vers la base",
        "  (`DatabaseEmailBackend`) ici ; avec SMTP, seule une panne entre le « 250 OK » du serveur et la",
        "  validation (quelques millisecondes) peut encore produire un doublon, que le `Message-ID` stable permet",
        "  d'écarter.",
        "",
        f"## PostgreSQL arrêté (`pg_ctl stop -m fast`) {OUTAGE_SECONDS} s puis redémarré, pendant la charge"
        " (16 s, 6 clients)",
        "",
        f"- arrêt, attente et redémarrage : {p['restart_seconds']} s ; requêtes : {p['requests']}, en échec : {p['failed']},"
        f" dont page française 503 : {p['failed_french_503']} ; autres : {p['failed_other']}",
        f"- fenêtre d'erreurs : {p['error_window_seconds']} s ; première réponse correcte"
        f" {p['first_ok_after_restart_end_s']} s après la fin du redémarrage ;",
        f"- 5 dernières secondes : {p['ok_in_last_5_s']} réussies, {p['failed_in_last_5_s']} en échec,"
        " **sans redémarrer gunicorn** (`CONN_HEALTH_CHECKS` : chaque requête vérifie sa connexion).",
        "",
        f"Préparation de la base (migrations depuis zéro, table du cache, statiques) : {cluster.migrate_seconds:.0f} s.",
        "",
        "Données brutes :",
        "",
        "```json",
        json.dumps(figures, indent=2, ensure_ascii=False),
        "```",
        "",
    ]
    path.write_text("\n".join(lines))
    log(f"Résultats : {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fault-test", action="store_true", help="mesurer, provoquer les pannes, écrire les résultats")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results" / f"{datetime.date.today()}-cluster.md"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="itou-cluster-"))
    workdir.chmod(0o755)
    cluster = Cluster(workdir)

    def shutdown(*_args):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, shutdown)
    failed = False
    try:
        cluster.start()
        log(f"Grappe prête : {cluster.url} (compte {EMAIL} / {PASSWORD}) ; journaux dans {workdir}")
        if not args.fault_test:
            log("Ctrl-C pour tout arrêter")
            while True:
                time.sleep(1)
        session = login(cluster.url)
        figures = {
            "load_average": round(os.getloadavg()[0], 1),
            "throughput": scenario_throughput(cluster, session),
            "web": scenario_web_killed(cluster, session),
            "worker": scenario_worker_killed(cluster),
            "postgres": scenario_postgres_restarted(cluster, session),
        }
        write_results(Path(args.output), cluster, figures)
        return 0
    except KeyboardInterrupt:
        failed = False
        return 0
    except Exception:
        failed = True
        log(f"Échec : journaux gardés dans {workdir}")
        raise
    finally:
        log("Arrêt de la grappe")
        cluster.stop()
        if not failed:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
