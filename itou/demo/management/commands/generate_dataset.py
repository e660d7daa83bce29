"""Fill a dedicated database with a synthetic world for benchmarks (bench/README.md)."""

import datetime
import os
import subprocess
import sys
import time

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

from bench import dataset

# Run on the target database before the generation: schema, then the reference data.
PREPARATION_COMMANDS = [
    ["migrate", "--noinput"],
    ["createcachetable"],
    ["import_geo"],
    ["import_rome"],
    ["import_criteria"],
]


def run_on_target(url: str, args: list[str], *, verbosity: int) -> None:
    """A manage.py command on the target database (the reference imports only know the
    default connection: a child process whose DATABASE_URL is the target)."""
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), *args, f"--verbosity={verbosity}"]
    result = subprocess.run(command, cwd=settings.BASE_DIR, env=env, capture_output=verbosity < 1, text=True)
    if result.returncode != 0:
        raise CommandError(f"`manage.py {' '.join(args)}` a échoué sur la base cible.\n{result.stderr or ''}")


class Command(BaseCommand):
    help = (
        "Génère un monde synthétique (candidats, employeurs, fiches de poste, prescripteurs, candidatures) "
        "dans une base dédiée aux mesures de performance. Voir bench/README.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=list(dataset.SCALES), required=True, help="Taille du monde.")
        parser.add_argument(
            "--database-url",
            required=True,
            help="Base cible (créée si besoin), jamais celle de l'application. "
            "Exemple : postgresql://postgres:@/bench_france?host=/chemin/du/socket",
        )
        parser.add_argument("--seed", type=int, default=1, help="Graine : même graine et même date, mêmes lignes.")
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            default=None,
            help="Date de référence AAAA-MM-JJ (par défaut aujourd'hui) : les candidatures la précèdent.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Accepte une base cible qui contient déjà des utilisateurs : les tables générées sont vidées.",
        )

    def handle(self, *args, scale, database_url, seed, date, force, verbosity, **options):
        started = time.monotonic()
        try:
            dataset.check_target_url(database_url)
            created = dataset.ensure_database(database_url)
            if not created and not force and (users := dataset.users_count(database_url)):
                raise dataset.UnsafeTarget(
                    f"La base cible contient déjà {users} utilisateurs : ajoutez --force pour la vider et la régénérer."
                )
        except dataset.UnsafeTarget as error:
            raise CommandError(str(error))
        except psycopg.Error as error:
            raise CommandError(f"Connexion à la base cible impossible : {error}")
        name = psycopg.conninfo.conninfo_to_dict(database_url)["dbname"]
        if verbosity >= 1:
            self.stdout.write(f"Base cible « {name} »{' créée' if created else ''}.")
            self.stdout.write("Schéma et données de référence (migrate, import_geo, import_rome, import_criteria)…")
        phase = time.monotonic()
        for command in PREPARATION_COMMANDS:
            run_on_target(database_url, command, verbosity=max(0, verbosity - 1))
        preparation = time.monotonic() - phase

        with psycopg.connect(database_url) as connection:
            try:
                report = dataset.generate(
                    connection,
                    scale=scale,
                    seed=seed,
                    today=date,
                    progress=verbosity >= 1,
                    log=(lambda message: self.stdout.write(message)) if verbosity >= 1 else (lambda message: None),
                )
            except dataset.GenerationError as error:
                raise CommandError(str(error))
            phase = time.monotonic()
            connection.commit()
            commit = time.monotonic() - phase
            sizes = self.sizes(connection, list(report.tables))
        total = time.monotonic() - started
        if verbosity >= 1:
            self.write_report(report, name, preparation, commit, total, sizes)

    @staticmethod
    def sizes(connection, tables: list[str]) -> dict[str, int]:
        rows = connection.execute(
            sql.SQL("SELECT NULL, pg_database_size(current_database()) UNION ALL {}").format(
                sql.SQL(" UNION ALL ").join(
                    sql.SQL("SELECT {}, pg_total_relation_size({})").format(sql.Literal(table), sql.Literal(table))
                    for table in tables
                )
            )
        ).fetchall()
        return {table or "": size for table, size in rows}

    def write_report(self, report, name, preparation, commit, total, sizes):
        def mb(size):
            return f"{size / 1024**2:,.0f} Mo".replace(",", " ")

        self.stdout.write(
            self.style.SUCCESS(f"\nMonde « {report.scale} » (graine {report.seed}) généré dans « {name} ».")
        )
        self.stdout.write(f"{'table':<46} {'lignes':>11} {'COPY':>8} {'index':>8} {'taille':>9}")
        generated = {table for step in dataset.STEPS.values() for table in step.tables}
        for table, entry in report.tables.items():
            if table in generated:
                self.stdout.write(
                    f"{table:<46} {entry.rows:>11,} {entry.copy_seconds:>7.1f}s {entry.index_seconds:>7.1f}s "
                    f"{mb(sizes.get(table, 0)):>9}".replace(",", " ")
                )
        others = [entry.index_seconds for table, entry in report.tables.items() if table not in generated]
        if others:
            label = f"(clés étrangères de {len(others)} autres tables)"
            self.stdout.write(f"{label:<46} {'':>11} {'':>8} {sum(others):>7.1f}s")
        self.stdout.write("Étapes : " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report.steps.items()))
        phases = {"schéma et référentiels": preparation, **report.phases, "validation (COMMIT)": commit}
        self.stdout.write("Phases : " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in phases.items()))
        self.stdout.write(f"Durée totale : {total:.1f} s ; taille de la base : {mb(sizes[''])}.")
        self.stdout.write(
            f"Mot de passe de tous les comptes : {dataset.BENCH_PASSWORD} "
            f"(candidat1@{dataset.EMAIL_DOMAIN}, employeur1@…, prescripteur1@…, inspecteur1@…)."
        )
