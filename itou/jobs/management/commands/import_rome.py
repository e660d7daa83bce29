"""Import the ROME referential from itou/jobs/data (see docs/donnees-de-reference.md)."""

import csv
import gzip
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from itou.jobs.models import Appellation, Rome, RomeDomain
from itou.jobs.search import appellation_search_vector
from itou.utils.text import normalize

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
BATCH_SIZE = 2000


def read_csv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


class Command(BaseCommand):
    help = "Importe (ou met à jour) les grands domaines, fiches et appellations ROME livrés dans itou/jobs/data."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Dossier des fichiers convertis.")

    def handle(self, *args, data_dir: Path, verbosity: int, **options):
        started = time.monotonic()
        domains = read_csv(data_dir / "rome_domains.csv")
        romes = read_csv(data_dir / "rome_codes.csv")
        appellations = read_csv(data_dir / "rome_appellations.csv.gz")
        self.check_consistency(domains, romes, appellations)

        with transaction.atomic():
            RomeDomain.objects.bulk_create(
                [RomeDomain(code=row["code"], name=row["name"]) for row in domains],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name"],
            )
            Rome.objects.bulk_create(
                [Rome(code=row["code"], name=row["name"], domain_id=row["code"][0]) for row in romes],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "domain"],
            )
            existing = set(Appellation.objects.values_list("code", flat=True))
            with tqdm(total=len(appellations), unit=" appellations", disable=verbosity < 1) as progress:
                for start in range(0, len(appellations), BATCH_SIZE):
                    batch = appellations[start : start + BATCH_SIZE]
                    Appellation.objects.bulk_create(
                        [
                            Appellation(
                                code=row["code"],
                                name=row["name"],
                                rome_id=row["rome_code"],
                                search_text=normalize(row["name"]),
                            )
                            for row in batch
                        ],
                        update_conflicts=True,
                        unique_fields=["code"],
                        update_fields=["name", "rome", "search_text"],
                    )
                    progress.update(len(batch))
            # One UPDATE computed by PostgreSQL rather than one expression per inserted row.
            Appellation.objects.update(search_vector=appellation_search_vector())

        if not connection.in_atomic_block:
            # Refresh the planner statistics and clean the GIN index after rewriting every row.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Appellation._meta.db_table)}")

        if verbosity >= 1:
            codes = {row["code"] for row in appellations}
            created = len(codes - existing)
            # Retired appellations stay: job descriptions and applications may point to them.
            kept = len(existing - codes)
            self.stdout.write(
                f"Import ROME terminé en {time.monotonic() - started:.1f} s : {len(domains)} grands domaines, "
                f"{len(romes)} fiches ROME, {len(appellations)} appellations ({created} créées, "
                f"{len(codes) - created} mises à jour, {kept} absentes du fichier conservées)."
            )

    @staticmethod
    def check_consistency(domains: list[dict], romes: list[dict], appellations: list[dict]) -> None:
        """Refuse an inconsistent file before touching the database."""
        domain_codes = {row["code"] for row in domains}
        if unknown := {row["code"][0] for row in romes} - domain_codes:
            raise CommandError(f"Fiches ROME rattachées à des grands domaines inconnus : {sorted(unknown)}")
        rome_codes = {row["code"] for row in romes}
        if unknown := {row["rome_code"] for row in appellations} - rome_codes:
            raise CommandError(f"Appellations rattachées à des fiches ROME inconnues : {sorted(unknown)}")
