"""Query-level benchmark of the main pages on the France-scale database.

    .venv/bin/python bench/run.py [--requests 200] [--output bench/results/AAAA-MM-JJ-queries.md]

Against BENCH_DATABASE_URL (default: the database `bench_france` of the local PostgreSQL
server), with the real settings and DEBUG off (bench/settings.py). Each page is requested
N times with Django's test client, logged in as the right generated user (force_login);
the report gives the server time p50/p95 (the whole request: middleware, view, SQL,
templates), the SQL time, the SQL query count (CaptureQueriesContext) and the HTML weight,
against the budgets of DESIGN.md. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BENCH_DATABASE_NAME = "bench_france"
# The databases a benchmark never touches.
FORBIDDEN_DATABASES = {"itou", "postgres", "template0", "template1"}

# Budgets of DESIGN.md ("France scale"), p95 of the server time in ms.
BUDGET_MS = {"search": 50, "list": 100, "dashboard": 100, "report": 1000}
BUDGET_QUERIES = 20
BUDGET_LABEL = {"search": "recherche", "list": "liste", "dashboard": "tableau de bord", "report": "rapport"}


# --- Environment ------------------------------------------------------------------------


def default_bench_database_url() -> str:
    sys.path.insert(0, str(ROOT))
    from scripts.localdb import local_database_url

    return with_database_name(local_database_url(), BENCH_DATABASE_NAME)


def with_database_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def bench_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or default_bench_database_url()
    name = database_name(url)
    dev = os.environ.get("DATABASE_URL")
    if name in FORBIDDEN_DATABASES or (dev and database_name(dev) == name and dev != url):
        sys.exit(f"Base refusée pour un banc d'essai : {name!r} (jamais la base de développement).")
    return url


def configure_environment(url: str) -> dict[str, str]:
    """The environment of the benchmarked Django (this process, gunicorn): DEBUG off."""
    env = {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "DEBUG": "0",
        "DEMO_MODE": "0",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return env


def prepare(url: str) -> None:
    """Schema of the code (pending migrations, as bench/README.md says) and static files
    collected for the manifest storage of DEBUG off."""
    env = {**os.environ}
    manage = [sys.executable, str(ROOT / "manage.py")]
    pending = subprocess.run(
        [*manage, "migrate", "--check"], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if pending.returncode != 0:
        print("Migrations en attente sur la base de banc d'essai : migrate", flush=True)
        subprocess.run([*manage, "migrate", "--no-input"], env=env, cwd=ROOT, check=True)
    static_root = ROOT / ".data" / "bench-static"
    if not (static_root / "staticfiles.json").exists() or os.environ.get("BENCH_COLLECTSTATIC"):
        print("collectstatic (.data/bench-static)", flush=True)
        subprocess.run([*manage, "collectstatic", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)


def setup_django(url: str | None = None) -> str:
    url = url or bench_database_url()
    configure_environment(url)
    prepare(url)
    import django

    django.setup()
    return url


# --- Machine facts ----------------------------------------------------------------------


def machine_facts() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} Go"
    except OSError:
        pass
    return {
        "processeurs (nproc)": str(os.cpu_count()),
        "modèle": cpu,
        "mémoire": ram,
        "système": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }


def postgresql_facts() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
        settings = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {
        "PostgreSQL": version,
        "base": f"{connection.settings_dict['NAME']} ({size})",
        "réglages": ", ".join(f"`{k}` {v}" for k, v in settings.items()),
    }


def load_average() -> str:
    return " / ".join(f"{value:.2f}".replace(".", ",") for value in os.getloadavg())


# --- The pages --------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    budget: str  # key of BUDGET_MS
    urls: list[str]  # requested in turn
    user: object = None
    organization_key: str | None = None  # what the session stores as the current organization
    note: str = ""
    api_token: str | None = None  # sent as "Authorization: Token …" (API pages)
    post_json: dict | None = None  # POST this JSON body instead of a GET


@dataclass
class Result:
    page: Page
    times_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    queries: int = 0
    size_kb: float = 0.0
    status: int = 0
    error: str = ""
    slowest_sql: str = ""  # the slowest SQL query of the counted requests
    slowest_sql_ms: float = 0.0

    def percentile(self, values, q):
        if not values:
            return float("nan")
        ordered = sorted(values)
        index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p50(self):
        return statistics.median(self.times_ms) if self.times_ms else float("nan")

    @property
    def p95(self):
        return self.percentile(self.times_ms, 95)

    @property
    def sql_p50(self):
        return statistics.median(self.sql_ms) if self.sql_ms else float("nan")

    @property
    def time_ok(self) -> bool:
        return not self.error and self.p95 <= BUDGET_MS[self.page.budget]

    @property
    def queries_ok(self) -> bool:
        return not self.error and self.queries <= BUDGET_QUERIES


def _one(model_sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(model_sql, params)
        return cursor.fetchone()


def _url(name: str, *args, **query) -> str | None:
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return None
    pairs = []
    for key, value in query.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            pairs.append((key, item))
    return f"{url}?{urlencode(pairs)}" if pairs else url


def bench_actors() -> dict:
    """The generated users each page is seen by: the busiest organizations (docs/performance.md)."""
    from itou.companies.models import CompanyMembership
    from itou.prescribers.models import PrescriberMembership
    from itou.users.models import User

    company_id, received = _one(
        "SELECT to_company_id, count(*) FROM job_applications_jobapplication GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )
    organization_id, sent = _one(
        "SELECT sender_prescriber_organization_id, count(*) FROM job_applications_jobapplication"
        " WHERE sender_prescriber_organization_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )
    job_seeker_id, applied = _one(
        "SELECT job_seeker_id, count(*) FROM job_applications_jobapplication GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
    )
    (application_id,) = _one(
        "SELECT id FROM job_applications_jobapplication WHERE to_company_id = %s"
        " ORDER BY (state = 'new') DESC, created_at DESC LIMIT 1",
        [company_id],
    )
    employer = (
        CompanyMembership.objects.filter(company_id=company_id, is_active=True)
        .order_by("-is_admin", "pk")
        .select_related("user")
        .first()
        .user
    )
    prescriber = (
        PrescriberMembership.objects.filter(organization_id=organization_id, is_active=True)
        .order_by("-is_admin", "pk")
        .select_related("user")
        .first()
        .user
    )
    return {
        "company_id": company_id,
        "received": received,
        "organization_id": organization_id,
        "sent": sent,
        "employer": employer,
        "prescriber": prescriber,
        "job_seeker": User.objects.get(pk=job_seeker_id),
        "applied": applied,
        "application_id": application_id,
        **institution_actors(),
    }


def institution_actors() -> dict:
    """A labor inspector of the DDETS of the Rhône (or the first DDETS), of a DREETS and of
    the DGEFP: their dashboards count their whole territory."""
    from django.db.models import Case, When

    from itou.institutions.enums import InstitutionKind
    from itou.institutions.models import InstitutionMembership

    actors = {}
    for kind, key in (
        (InstitutionKind.DDETS_IAE, "ddets"),
        (InstitutionKind.DREETS_IAE, "dreets"),
        (InstitutionKind.DGEFP_IAE, "dgefp"),
    ):
        membership = (
            InstitutionMembership.objects.filter(institution__kind=kind, is_active=True)
            .select_related("user", "institution")
            .order_by(Case(When(institution__department_id="69", then=0), default=1), "institution_id", "pk")
            .first()
        )
        if membership is not None:
            actors[key] = (membership.user, f"institution:{membership.institution_id}", membership.institution.name)
    return actors


# Big and small communes (INSEE codes): Lyon, Paris, Lille, Marseille, Bordeaux, Limoges, Guéret.
SEARCH_COMMUNES = ["69123", "75056", "59350", "13055", "33063", "87085", "23096"]


def pages(actors: dict) -> tuple[list[Page], list[str]]:
    employer, prescriber, job_seeker = actors["employer"], actors["prescriber"], actors["job_seeker"]
    company_key = f"company:{actors['company_id']}"
    prescriber_key = f"prescriber:{actors['organization_id']}"
    skipped = []

    def search(name, **query):
        return [_url(name, commune_code=code, **query) for code in SEARCH_COMMUNES]

    candidates = [
        Page("Recherche employeurs, commune + 25 km", "search", search("search:employers", radius=25)),
        Page(
            "Recherche employeurs, 50 km, ACI et EI qui recrutent, domaine F",
            "search",
            search("search:employers", radius=50, kinds=["ACI", "EI"], hiring=1, domains="F"),
        ),
        Page("Recherche employeurs, 100 km, page 3", "search", search("search:employers", radius=100, page=3)),
        Page("Recherche fiches de poste, 25 km", "search", search("search:job_descriptions", radius=25)),
        # The densest circles of the country (issue 17: p95 ≤ 50 ms there too).
        Page(
            "Recherche fiches de poste, Paris 25 km",
            "search",
            [_url("search:job_descriptions", commune_code="75056", radius=25)],
        ),
        Page(
            "Recherche fiches de poste, Paris 100 km",
            "search",
            [_url("search:job_descriptions", commune_code="75056", radius=100)],
        ),
        Page(
            "Recherche fiches de poste « agent », 50 km",
            "search",
            search("search:job_descriptions", radius=50, job="agent"),
        ),
        Page("Recherche prescripteurs, 5 km", "search", search("search:prescribers", radius=5)),
        Page(
            "API publique : employeurs, commune + 25 km",
            "search",
            [_url("api:employers", code_insee=code, rayon=25) for code in SEARCH_COMMUNES],
        ),
        Page(
            "API publique : fiches de poste, commune + 25 km",
            "search",
            [_url("api:job_descriptions", code_insee=code, rayon=25) for code in SEARCH_COMMUNES],
        ),
        Page(
            "Autocomplétion communes",
            "search",
            [_url("autocomplete:communes", q=q) for q in ("lyo", "mars", "saint-", "bord", "69001", "paris")],
        ),
        Page(
            "Autocomplétion métiers (appellations)",
            "search",
            [_url("autocomplete:appellations", q=q) for q in ("boul", "agent", "maçon", "cuisin", "K2204", "aide")],
        ),
        Page(
            "Candidatures reçues (employeur)",
            "list",
            [_url("applications:company_list")],
            employer,
            company_key,
            f"{actors['received']} candidatures reçues",
        ),
        Page(
            "Candidatures reçues, filtrées (nouvelles et à l'étude, prescripteurs)",
            "list",
            [_url("applications:company_list", states=["new", "processing"], sender_kinds="prescriber")],
            employer,
            company_key,
        ),
        Page(
            "Candidatures reçues, filtrées (nom « martin », plus anciennes)",
            "list",
            [_url("applications:company_list", job_seeker="martin", sort="oldest")],
            employer,
            company_key,
        ),
        Page(
            "Candidatures reçues, archives",
            "list",
            [_url("applications:company_archive")],
            employer,
            company_key,
        ),
        Page(
            "Candidatures envoyées (prescripteur)",
            "list",
            [_url("applications:prescriber_list")],
            prescriber,
            prescriber_key,
            f"{actors['sent']} candidatures envoyées par l'organisation",
        ),
        Page(
            "Mes candidatures (candidat)",
            "list",
            [_url("applications:job_seeker_list")],
            job_seeker,
            None,
            f"{actors['applied']} candidatures",
        ),
        Page(
            "Fiche candidature (employeur)",
            "list",
            [_url("applications:detail", actors["application_id"])],
            employer,
            company_key,
        ),
        Page(
            "Fiches de poste de la structure",
            "list",
            [_url("companies:job_description_list")],
            employer,
            company_key,
        ),
        Page(
            "Salariés et PASS IAE (employeur)",
            "list",
            [_url("approvals:company_list")],
            employer,
            company_key,
        ),
        Page(
            "Salariés et PASS IAE, filtrés (valides page 2, suspendus, fin dans 3 mois)",
            "list",
            [
                _url("approvals:company_list", status="valid", page=2),
                _url("approvals:company_list", status="suspended"),
                _url("approvals:company_list", expires_soon="on"),
            ],
            employer,
            company_key,
        ),
        *employee_records_pages(),
        Page("Tableau de bord employeur", "dashboard", [_url("dashboard:index")], employer, company_key),
        Page("Tableau de bord prescripteur", "dashboard", [_url("dashboard:index")], prescriber, prescriber_key),
        Page("Tableau de bord candidat", "dashboard", [_url("dashboard:index")], job_seeker),
        *(
            Page(f"Tableau de bord institution ({name})", "dashboard", [_url("dashboard:index")], user, key)
            for user, key, name in (actors[k] for k in ("ddets", "dreets", "dgefp") if k in actors)
        ),
        Page("Mes données personnelles (candidat)", "dashboard", [_url("dashboard:personal_data")], job_seeker),
        Page("Aide : recherche", "search", [_url("help:index", q=q) for q in ("justificatifs RSA", "suspension")]),
        Page("Support : articles suggérés", "search", [_url("support:suggestions", subject="PASS IAE suspendu")]),
    ]
    candidates += control_pages()
    candidates += api_token_pages(actors)
    candidates += stats_pages(actors)
    candidates += marketplace_pages(actors)
    kept = []
    for page in candidates:
        if any(url is None for url in page.urls):
            skipped.append(page.name)
        else:
            kept.append(page)
    return kept, skipped


def employee_records_pages() -> list[Page]:
    """The list of "fiches salarié" of the SIAE with the most records (skipped when none)."""
    from itou.companies.models import CompanyMembership

    row = _one("SELECT company_id, count(*) FROM employee_records_employeerecord GROUP BY 1 ORDER BY 2 DESC LIMIT 1")
    if not row:
        return [Page("Fiches salarié (employeur)", "list", [None])]
    company_id, count = row
    membership = CompanyMembership.objects.filter(company_id=company_id, is_active=True).select_related("user")
    user = membership.order_by("-is_admin", "pk").first().user
    key = f"company:{company_id}"
    return [
        Page("Fiches salarié (employeur)", "list", [_url("employee_records:list")], user, key, f"{count} fiches"),
        Page(
            "Fiches salarié, en erreur",
            "list",
            [_url("employee_records:list", status="REJECTED")],
            user,
            key,
        ),
    ]


def measure_asp_batch() -> str:
    """Build and serialize one ASP file of 700 READY records, rolled back: time and queries."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from itou.employee_records import transfer

    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            batch = transfer.build_record_batch()
            elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    lines = batch.line_count if batch else 0
    return f"Fichier ASP de {lines} fiches salarié : {fr(elapsed)} ms, {len(queries)} requêtes (budget 2 000 ms, 10)"


def stats_pages(actors: dict) -> list[Page]:
    """The steering pages (docs/statistiques.md): a DDETS (Rhône, else the department with
    the most applications), the DGEFP, the busiest employer and prescriber, the public page."""
    from itou.institutions.models import Institution, InstitutionMembership

    def inspector(institution):
        membership = InstitutionMembership.objects.filter(institution=institution, is_active=True).first()
        return membership.user if membership else None

    ddets = (
        Institution.objects.filter(kind="DDETS_IAE", department_id="69").first()
        or Institution.objects.filter(kind="DDETS_IAE").order_by("pk").first()
    )
    dgefp = Institution.objects.filter(kind="DGEFP_IAE").first()
    employer, prescriber = actors["employer"], actors["prescriber"]
    company_key, prescriber_key = f"company:{actors['company_id']}", f"prescriber:{actors['organization_id']}"
    result = [
        Page("Statistiques publiques (France)", "dashboard", [_url("stats:public")]),
        Page("Statistiques publiques (Rhône)", "dashboard", [_url("stats:public", departement="69")]),
    ]
    for institution, label in ((ddets, "DDETS"), (dgefp, "DGEFP")):
        user = institution and inspector(institution)
        if user is None:
            continue
        key = f"institution:{institution.pk}"
        for section in ("candidatures", "delais", "embauches", "employeurs", "prescripteurs", "suivi"):
            result.append(
                Page(f"Pilotage {label} : {section}", "dashboard", [_url("stats:steering", section)], user, key)
            )
    if dgefp is not None and (user := inspector(dgefp)) is not None:
        # Filtered: the stored centiles and "today" tables do not serve them (docs/statistiques.md).
        key = f"institution:{dgefp.pk}"
        for label, section, query in (
            ("delais, ACI", "delais", {"company_kind": "ACI"}),
            ("delais, période libre", "delais", {"period": "custom", "start": "2026-02-15", "end": "2026-09-30"}),
            ("embauches, ACI", "embauches", {"company_kind": "ACI"}),
        ):
            result.append(
                Page(
                    f"Pilotage DGEFP filtré : {label}",
                    "dashboard",
                    [_url("stats:steering", section, **query)],
                    user,
                    key,
                )
            )
    for section in ("candidatures", "delais", "embauches", "employeurs", "suivi"):
        result.append(
            Page(
                f"Pilotage employeur : {section}", "dashboard", [_url("stats:steering", section)], employer, company_key
            )
        )
    result.append(
        Page(
            "Pilotage prescripteur : prescripteurs",
            "dashboard",
            [_url("stats:steering", "prescripteurs")],
            prescriber,
            prescriber_key,
        )
    )
    return result


# --- Measuring --------------------------------------------------------------------------


def client_for(page: Page):
    from django.test import Client

    from itou.organizations.current import SESSION_KEY

    client = Client()
    if page.api_token:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {page.api_token}"
    if page.user is not None:
        client.force_login(page.user, backend="django.contrib.auth.backends.ModelBackend")
        if page.organization_key:
            session = client.session
            session[SESSION_KEY] = page.organization_key
            session.save()
    return client


def _request(client, page: Page, url: str):
    if page.post_json is not None:
        return client.post(url, page.post_json, content_type="application/json")
    return client.get(url)


def measure(page: Page, requests: int, warmup: int = 10) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Result(page)
    client = client_for(page)
    sql_elapsed = [0.0]

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_elapsed[0] += time.perf_counter() - start

    try:
        for i in range(warmup):
            response = _request(client, page, page.urls[i % len(page.urls)])
        with connection.execute_wrapper(timer):
            for i in range(requests):
                url = page.urls[i % len(page.urls)]
                sql_elapsed[0] = 0.0
                start = time.perf_counter()
                response = _request(client, page, url)
                elapsed = time.perf_counter() - start
                if response.status_code != 200:
                    raise RuntimeError(f"{url} : statut {response.status_code}")
                result.times_ms.append(elapsed * 1000)
                result.sql_ms.append(sql_elapsed[0] * 1000)
        counts = []
        for url in page.urls:
            with CaptureQueriesContext(connection) as captured:
                response = _request(client, page, url)
            counts.append(len(captured.captured_queries))
            for query in captured.captured_queries:
                if float(query["time"]) * 1000 > result.slowest_sql_ms:
                    result.slowest_sql_ms, result.slowest_sql = float(query["time"]) * 1000, query["sql"]
            result.size_kb = max(result.size_kb, len(response.content) / 1024)
        result.queries = max(counts)
        result.status = response.status_code
    except Exception as exc:  # noqa: BLE001 — reported in the table, the other pages go on
        result.error = f"{type(exc).__name__}: {exc}"[:200]
    return result


def explain(sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a read query (run twice: the second plan, warm, is kept)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for _ in range(2):
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            rows = cursor.fetchall()
    return "\n".join(row[0] for row in rows)


def plans(results: list[Result]) -> list[tuple[str, float, str, str]]:
    """Plans of the slowest query of the 25 km employer and job description searches, of
    the slowest list page (by p95) and of every page over its time budget."""
    ok = [r for r in results if not r.error]
    chosen = [r for r in ok if r.page.name in EXPLAIN_PAGES]
    lists = [r for r in ok if r.page.budget == "list"]
    if lists:
        chosen.append(max(lists, key=lambda r: r.p95))
    chosen += [r for r in ok if not r.time_ok]
    chosen = list({id(r): r for r in chosen}.values())
    out = []
    for r in chosen:
        # A read query: SELECT, or WITH … SELECT (the job description search's ranked page).
        if r.slowest_sql and r.slowest_sql.lstrip().upper().startswith(("SELECT", "WITH")):
            out.append((r.page.name, r.slowest_sql_ms, r.slowest_sql, explain(r.slowest_sql)))
    return out


EXPLAIN_PAGES = {"Recherche employeurs, commune + 25 km", "Recherche fiches de poste, 25 km"}


# --- Report -----------------------------------------------------------------------------


def fr(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def report(results, skipped, facts, pg, load_before, load_after, actors, requests, elapsed, explained=()) -> str:
    today = datetime.date.today().isoformat()
    lines = [
        f"# Mesures des pages, requête par requête — {today}",
        "",
        "`bench/run.py` (`make bench`) : client de test de Django, réglages réels avec `DEBUG` désactivé, "
        f"{requests} requêtes par page après 10 de mise en route ; temps serveur (intergiciels, vue, SQL, gabarits), "
        "temps SQL vu de Django, nombre de requêtes SQL (`CaptureQueriesContext`, le plus grand des URL de la page) "
        f"et poids du HTML. Budgets : recherche p95 ≤ {BUDGET_MS['search']} ms, listes p95 ≤ {BUDGET_MS['list']} ms, "
        f"tableaux de bord p95 ≤ {BUDGET_MS['dashboard']} ms, {BUDGET_QUERIES} requêtes SQL au plus.",
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
        f"| durée du banc | {fr(elapsed, 0)} s |",
        "",
        "## Les pages",
        "",
        f"Vues par : l'employeur le plus sollicité (structure {actors['company_id']}, "
        f"{actors['received']} candidatures reçues, `{actors['employer'].email}`), le prescripteur de "
        f"l'organisation qui en a envoyé le plus ({actors['organization_id']}, {actors['sent']}, "
        f"`{actors['prescriber'].email}`), le candidat qui a le plus postulé ({actors['applied']}, "
        f"`{actors['job_seeker'].email}`). Recherches autour de Lyon, Paris, Lille, Marseille, Bordeaux, "
        "Limoges et Guéret, tour à tour.",
        "",
        "| page | budget | p50 | p95 | SQL p50 | requêtes | HTML | temps | requêtes ≤ 20 |",
        "|---|---|---:|---:|---:|---:|---:|:-:|:-:|",
    ]
    for r in results:
        budget = f"{BUDGET_LABEL[r.page.budget]} ≤ {BUDGET_MS[r.page.budget]} ms"
        name = r.page.name + (f" ({r.page.note})" if r.page.note else "")
        if r.error:
            lines.append(f"| {name} | {budget} | erreur : {r.error} | | | | | ❌ | ❌ |")
            continue
        lines.append(
            f"| {name} | {budget} | {fr(r.p50)} ms | {fr(r.p95)} ms | {fr(r.sql_p50)} ms | {r.queries} | "
            f"{fr(r.size_kb, 0)} Ko | {'✅' if r.time_ok else '❌'} | {'✅' if r.queries_ok else '❌'} |"
        )
    if skipped:
        lines += ["", "Pages sans URL dans ce code (non mesurées) : " + ", ".join(skipped) + "."]
    met = sum(r.time_ok and r.queries_ok for r in results)
    lines += ["", f"**{met} pages sur {len(results)} tiennent leurs budgets.**", ""]
    if explained:
        lines += [
            "## Plans d'exécution",
            "",
            "La requête SQL la plus lente vue en comptant les requêtes de la page (toutes ses URL), puis son "
            "`EXPLAIN (ANALYZE, BUFFERS)` (seconde exécution, cache chaud).",
            "",
        ]
        for name, ms, sql, plan in explained:
            lines += [f"### {name} ({fr(ms)} ms)", "", "```sql", sql, "```", "", "```", plan, "```", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=int(os.environ.get("BENCH_REQUESTS", 200)))
    parser.add_argument("--output", type=Path)
    parser.add_argument("--only", help="ne mesurer que les pages dont le nom contient ce texte")
    parser.add_argument("--no-explain", action="store_true", help="sans les plans d'exécution")
    args = parser.parse_args(argv)

    setup_django()
    from django.conf import settings

    # Server time of each page as computed: the same URLs come back again and again, the
    # cache of anonymous pages would answer them (its effect is measured by bench/load.py).
    settings.PAGE_CACHE_SECONDS = 0
    load_before = load_average()
    started = time.perf_counter()
    facts, pg = machine_facts(), postgresql_facts()
    actors = bench_actors()
    selected, skipped = pages(actors)
    if args.only:
        selected = [page for page in selected if args.only.lower() in page.name.lower()]
    results = []
    for page in selected:
        result = measure(page, args.requests)
        results.append(result)
        status = result.error or f"p50 {fr(result.p50)} ms, p95 {fr(result.p95)} ms, {result.queries} requêtes"
        print(f"{page.name}: {status}", flush=True)
    print(measure_asp_batch(), flush=True)
    elapsed = time.perf_counter() - started
    load_after = load_average()
    explained = plans(results) if not args.no_explain else []
    text = report(results, skipped, facts, pg, load_before, load_after, actors, args.requests, elapsed, explained)
    output = args.output or RESULTS / f"{datetime.date.today().isoformat()}-queries.md"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text)
    print(f"→ {output.relative_to(ROOT) if output.is_relative_to(ROOT) else output}")
    return 0 if all(not r.error for r in results) else 1


# --- Control and yearly report (itou/control, itou/activity) ------------------------------

DRAW_BUDGET_SECONDS = 30


def _bench_api_token(kind: str, **fields) -> str:
    """A token of the bench database for the API pages (created like the back-office does)."""
    from django.utils import timezone

    from itou.api import services
    from itou.api.models import ApiToken

    key_id, secret, key_hash = services._new_key()
    ApiToken.objects.create(
        kind=kind,
        name=f"make bench {kind}",
        key_id=key_id,
        key_hash=key_hash,
        expires_at=timezone.now() + datetime.timedelta(days=1),
        **fields,
    )
    return secret


def api_token_pages(actors: dict) -> list[Page]:
    """The API calls made with a token: a department's search of a person by NIR, an employer's
    software listing its applications (docs/api.md)."""
    from itou.api.enums import TokenKind
    from itou.companies.models import Company

    pages = []
    row = _one(
        "SELECT p.nir, c.department_id FROM job_applications_jobapplication a"
        " JOIN users_jobseekerprofile p ON p.user_id = a.job_seeker_id"
        " JOIN companies_company co ON co.id = a.to_company_id JOIN geo_commune c ON c.code = co.commune_id"
        " WHERE p.nir <> '' ORDER BY a.created_at DESC LIMIT 1"
    )
    if row:
        nir, department = row
        pages.append(
            Page(
                "API départements : candidatures d'une personne par NIR",
                "search",
                [_url("api:department_applications")],
                api_token=_bench_api_token(TokenKind.DEPARTMENT, department_id=department),
                post_json={"nir": nir},
            )
        )
    employer = actors["employer"]
    company = Company.objects.get(pk=actors["company_id"])
    if company.memberships.admins().filter(user=employer).exists():
        pages.append(
            Page(
                "API employeur : candidatures reçues (première page)",
                "list",
                [_url("api:employer_applications")],
                api_token=_bench_api_token(TokenKind.EMPLOYER, user=employer, company=company),
                note=f"{actors['received']} candidatures reçues",
            )
        )
    return pages


def control_pages() -> list[Page]:
    """The DDETS review pages and an employer's yearly report. The national draw of the
    dataset's campaigns runs here once (timed against its 30 s budget, in the note)."""
    from django.db.models import Count

    from itou.control.draw import draw_period
    from itou.control.models import Campaign, ControlledSiae, ControlLog
    from itou.institutions.models import InstitutionMembership
    from itou.job_applications.models import JobApplication

    campaign = Campaign.objects.order_by("-period_end").first()
    if campaign is None:
        return []
    if Campaign.objects.filter(period_end=campaign.period_end, drawn_at__isnull=True).exists():
        draw_period(campaign.period_start, campaign.period_end)
    progress = ControlLog.objects.filter(object_kind="draw", transition="progress").order_by("-pk").first()
    seconds = progress.details.get("seconds", 0) if progress else 0
    verdict = "dans le budget" if seconds <= DRAW_BUDGET_SECONDS else "HORS BUDGET"
    draw_note = f"tirage national : {seconds} s ({verdict} de {DRAW_BUDGET_SECONDS} s)"
    busiest = (
        Campaign.objects.filter(period_end=campaign.period_end).annotate(n=Count("siaes")).order_by("-n", "pk").first()
    )
    membership = InstitutionMembership.objects.filter(institution_id=busiest.institution_id, is_active=True).first()
    pages = []
    if membership:
        key = f"institution:{busiest.institution_id}"
        pages.append(
            Page(
                "Contrôle a posteriori : campagne de la DDETS",
                "list",
                [_url("control:ddets_campaign", busiest.pk)],
                membership.user,
                key,
                f"{busiest.n} structures contrôlées ; {draw_note}",
            )
        )
        siae = ControlledSiae.objects.filter(campaign=busiest).order_by("-hire_count", "pk").first()
        if siae:
            pages.append(
                Page(
                    "Contrôle a posteriori : justificatifs d'une structure",
                    "list",
                    [_url("control:ddets_siae", siae.pk)],
                    membership.user,
                    key,
                    f"{siae.hire_count} embauches",
                )
            )
    year = campaign.period_start.year
    top = (
        JobApplication.objects.filter(state="accepted", hiring_start_at__year=year)
        .values("to_company_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if top:
        from itou.companies.models import CompanyMembership

        employer = CompanyMembership.objects.filter(company_id=top["to_company_id"], is_active=True).first()
        if employer:
            key = f"company:{top['to_company_id']}"
            note = f"{top['n']} embauches en {year}"
            pages.append(
                Page(
                    "Rapport d'activité annuel (page)",
                    "report",
                    [_url("activity:report", year)],
                    employer.user,
                    key,
                    note,
                )
            )
            pages.append(
                Page(
                    "Rapport d'activité annuel (XLSX)",
                    "report",
                    [_url("activity:report_xlsx", year)],
                    employer.user,
                    key,
                    note,
                )
            )
    return pages


# --- Marketplace (docs/marche.md) ---------------------------------------------------------


def marketplace_pages(actors: dict) -> list[Page]:
    """The catalogue around the search communes (10 k commercial profiles at France scale);
    the buyer with the most needs (its list), the need told to the most employers (its
    answers), the employer that received the most needs (its list and the last one), the
    support's review queue, the steering figures of a DDETS and of the DGEFP."""
    row = _one("SELECT id FROM marketplace_sector WHERE code = %s", ["nettoyage-locaux"])
    sector = row[0] if row else None
    catalogue = [_url("marketplace:catalogue", commune_code=code, radius=50) for code in SEARCH_COMMUNES]
    by_sector = [
        _url("marketplace:catalogue", commune_code=code, radius=100, sectors=sector) if sector else None
        for code in SEARCH_COMMUNES
    ]
    pages = [
        Page("Catalogue du marché, commune + 50 km", "search", catalogue),
        Page("Catalogue du marché, nettoyage de locaux, 100 km", "search", by_sector),
    ]
    if not _one("SELECT 1 FROM marketplace_need LIMIT 1"):
        return pages + [Page("Marché : besoins de l'acheteur", "list", [None])]

    def buyer_of(organization_id):
        from itou.marketplace.models import BuyerMembership

        membership = BuyerMembership.objects.filter(organization_id=organization_id, is_active=True)
        return membership.order_by("-is_admin", "pk").select_related("user").first().user

    buyer_id, needs = _one("SELECT buyer_id, count(*) FROM marketplace_need GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")
    need_id, need_buyer_id, told = _one(
        "SELECT need_id, n.buyer_id, count(*) FROM marketplace_needrecipient r"
        " JOIN marketplace_need n ON n.id = r.need_id GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 1"
    )
    company_id, received = _one(
        "SELECT company_id, count(*) FROM marketplace_needrecipient GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1"
    )
    (last_need_id,) = _one(
        "SELECT need_id FROM marketplace_needrecipient WHERE company_id = %s ORDER BY created_at DESC, id DESC LIMIT 1",
        [company_id],
    )
    from itou.companies.models import CompanyMembership
    from itou.users.models import User

    employer = (
        CompanyMembership.objects.filter(company_id=company_id, is_active=True)
        .order_by("-is_admin", "pk")
        .select_related("user")
        .first()
        .user
    )
    company_key = f"company:{company_id}"
    # The support: a staff member of the bench database (created once, like the API tokens).
    support, _created = User.objects.get_or_create(
        email="support.marche@bench.inclusion.test",
        defaults={"kind": "staff", "is_staff": True, "is_superuser": True, "first_name": "Support"},
    )
    from allauth.mfa.models import Authenticator

    # The staff pages require a TOTP authenticator (StaffMFARequiredMiddleware checks it exists).
    Authenticator.objects.get_or_create(user=support, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}})
    (pending,) = _one("SELECT count(*) FROM marketplace_need WHERE status = 'pending_review'")
    pages += [
        Page(
            "Marché : besoins de l'acheteur",
            "list",
            [_url("marketplace:buyer_home"), _url("marketplace:buyer_home", page=3)],
            buyer_of(buyer_id),
            note=f"{needs} besoins",
        ),
        Page(
            "Marché : un besoin et ses réponses (acheteur)",
            "list",
            [_url("marketplace:buyer_need", need_id)],
            buyer_of(need_buyer_id),
            note=f"{told} employeurs destinataires",
        ),
        Page(
            "Marché : besoins reçus (employeur)",
            "list",
            [_url("marketplace:employer_needs"), _url("marketplace:employer_needs", page=5)],
            employer,
            company_key,
            f"{received} besoins reçus",
        ),
        Page(
            "Marché : un besoin reçu (employeur)",
            "list",
            [_url("marketplace:employer_need", last_need_id)],
            employer,
            company_key,
        ),
        Page(
            "Marché : file de vérification (support)",
            "list",
            [_url("marketplace:staff_review")],
            support,
            note=f"{pending} besoins à vérifier",
        ),
    ]
    for key, label in (("ddets", "DDETS"), ("dgefp", "DGEFP")):
        if key in actors:
            user, organization_key, _name = actors[key]
            pages.append(
                Page(f"Marché : pilotage {label}", "dashboard", [_url("marketplace:steering")], user, organization_key)
            )
    return pages


if __name__ == "__main__":
    # `python bench/run.py`: import the project's packages, not bench/'s modules as top-level ones.
    sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != ROOT / "bench"]
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
