"""Import regions, departments and communes from itou/geo/data (see docs/donnees-de-reference.md)."""

import csv
import gzip
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from tqdm import tqdm

from itou.geo.models import Commune, Department, Region
from itou.geo.search import commune_search_vector
from itou.utils.text import normalize

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

# Copied as is from the temporary table; search_vector is computed afterwards.
COMMUNE_COLUMNS = [
    "code",
    "name",
    "department_id",
    "postal_codes",
    "population",
    "latitude",
    "longitude",
    "search_text",
]


def read_csv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def delete_unreferenced(model, pks: set) -> int:
    """Delete the rows of `model` whose primary key is in `pks` and that no other row points to.

    Checks every reverse relation (foreign keys and many-to-many, whatever their
    on_delete), so that a delete never cascades and never fails: a referenced row stays.
    """
    candidates = set(pks)
    for relation in model._meta.related_objects:
        if not candidates:
            break
        field_name = relation.field.name
        referenced = relation.related_model._base_manager.filter(**{f"{field_name}__in": candidates}).values_list(
            field_name, flat=True
        )
        candidates -= set(referenced)
    if not candidates:
        return 0
    return model._base_manager.filter(pk__in=candidates).delete()[0]


def upsert_communes(communes: list[dict], *, progress: bool) -> int:
    """Create or update the communes of the file; return how many rows were written.

    COPY into a temporary table, then one INSERT … ON CONFLICT: a few seconds for the
    whole of France, where one INSERT per row (or the ORM's bulk_create) takes longer.
    Rows whose values did not change are not rewritten (no dead tuples, no index
    churn). Written rows get a NULL search_vector, recomputed just after.
    """
    table = connection.ops.quote_name(Commune._meta.db_table)
    columns = ", ".join(COMMUNE_COLUMNS)
    data_columns = [column for column in COMMUNE_COLUMNS if column != "code"]
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE import_geo_commune ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA"
        )
        with (
            cursor.copy(f"COPY import_geo_commune ({columns}) FROM STDIN") as copy,
            tqdm(total=len(communes), unit=" communes", disable=not progress) as bar,
        ):
            for row in communes:
                copy.write_row(
                    (
                        row["insee_code"],
                        row["name"],
                        row["department"],
                        row["postal_codes"].split(),
                        int(row["population"] or 0),
                        float(row["latitude"]) if row["latitude"] else None,
                        float(row["longitude"]) if row["longitude"] else None,
                        normalize(row["name"]),
                    )
                )
                bar.update()
        cursor.execute(
            f"""
            INSERT INTO {table} ({columns}, search_vector)
            SELECT {columns}, NULL FROM import_geo_commune
            ON CONFLICT (code) DO UPDATE SET
                {", ".join(f"{column} = EXCLUDED.{column}" for column in data_columns)}, search_vector = NULL
            WHERE ({", ".join(f"{table}.{column}" for column in data_columns)})
                IS DISTINCT FROM ({", ".join(f"EXCLUDED.{column}" for column in data_columns)})
            """
        )
        written = cursor.rowcount
        # Within an enclosing transaction (tests) ON COMMIT DROP comes too late for a second run.
        cursor.execute("DROP TABLE import_geo_commune")
    Commune.objects.filter(search_vector__isnull=True).update(search_vector=commune_search_vector())
    return written


class Command(BaseCommand):
    help = "Importe (ou met à jour) les régions, départements et communes livrés dans itou/geo/data."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Dossier des fichiers convertis.")

    def handle(self, *args, data_dir: Path, verbosity: int, **options):
        started = time.monotonic()
        regions = read_csv(data_dir / "regions.csv")
        departments = read_csv(data_dir / "departments.csv")
        communes = read_csv(data_dir / "communes.csv.gz")
        self.check_consistency(regions, departments, communes)
        codes = {row["insee_code"] for row in communes}

        with transaction.atomic():
            Region.objects.bulk_create(
                [Region(code=row["code"], name=row["name"]) for row in regions],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name"],
            )
            Department.objects.bulk_create(
                [Department(code=row["code"], name=row["name"], region_id=row["region"]) for row in departments],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", "region"],
            )
            existing = set(Commune.objects.values_list("code", flat=True))
            written = upsert_communes(communes, progress=verbosity >= 1)
            # A commune merged into another leaves the COG; keep it as long as anything uses it.
            deleted = delete_unreferenced(Commune, existing - codes)

        if not connection.in_atomic_block:
            # Refresh the planner statistics and clean the GIN index after a big write.
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(Commune._meta.db_table)}")

        if verbosity >= 1:
            created = len(codes - existing)
            with_coordinates = sum(1 for row in communes if row["latitude"])
            self.stdout.write(
                f"Import géographique terminé en {time.monotonic() - started:.1f} s : "
                f"{len(regions)} régions, {len(departments)} départements, {len(communes)} communes "
                f"dont {with_coordinates} avec coordonnées ({created} créées, {written - created} modifiées, "
                f"{deleted} supprimées)."
            )

    @staticmethod
    def check_consistency(regions: list[dict], departments: list[dict], communes: list[dict]) -> None:
        """Refuse an inconsistent file before touching the database."""
        region_codes = {row["code"] for row in regions}
        region_by_department = {row["code"]: row["region"] for row in departments}
        if unknown := set(region_by_department.values()) - region_codes:
            raise CommandError(f"Départements rattachés à des régions inconnues : {sorted(unknown)}")
        for row in communes:
            if region_by_department.get(row["department"]) != row["region"]:
                raise CommandError(
                    f"Commune {row['insee_code']} : département {row['department']} inconnu "
                    f"ou hors de la région {row['region']}."
                )
