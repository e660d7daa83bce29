"""Import the IAE and GEIQ administrative criteria from itou/eligibility/data.

See docs/donnees-de-reference.md. Criteria are matched on their `kind`, never on their
id, so that a database keeps its ids (and the diagnoses pointing to them) across imports.
"""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from itou.eligibility.models import AdministrativeCriteria, GEIQAdministrativeCriteria

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
COMMON_FIELDS = ["level", "name", "desc", "written_proof", "written_proof_url", "written_proof_validity", "ui_rank"]
GEIQ_FIELDS = [*COMMON_FIELDS, "annex", "slug", "api_code"]


def read_json(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))


class Command(BaseCommand):
    help = "Importe (ou met à jour) les critères administratifs IAE et GEIQ livrés dans itou/eligibility/data."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Dossier des fichiers convertis.")

    def handle(self, *args, data_dir: Path, verbosity: int, **options):
        started = time.monotonic()
        iae = read_json(data_dir / "administrative_criteria.json")
        geiq = read_json(data_dir / "administrative_criteria_geiq.json")
        self.check_consistency(geiq)

        with (
            transaction.atomic(),
            tqdm(total=len(iae) + len(geiq), unit=" critères", disable=verbosity < 1) as progress,
        ):
            iae_created = self.upsert(AdministrativeCriteria, iae, COMMON_FIELDS)
            progress.update(len(iae))
            geiq_created = self.upsert(GEIQAdministrativeCriteria, geiq, GEIQ_FIELDS)
            # Parents may come after their children in the file: link them once all exist.
            criteria = GEIQAdministrativeCriteria.objects.in_bulk([row["kind"] for row in geiq], field_name="kind")
            for row in geiq:
                criteria[row["kind"]].parent = criteria[row["parent"]] if row["parent"] else None
            GEIQAdministrativeCriteria.objects.bulk_update(criteria.values(), ["parent"])
            progress.update(len(geiq))

        if verbosity >= 1:
            self.stdout.write(
                f"Import des critères terminé en {time.monotonic() - started:.1f} s : "
                f"{len(iae)} critères IAE ({iae_created} créés), {len(geiq)} critères GEIQ ({geiq_created} créés)."
            )

    @staticmethod
    def upsert(model, rows: list[dict], fields: list[str]) -> int:
        """Create or update the rows of `model` by kind; return how many were created."""
        existing = set(model.objects.filter(kind__in=[row["kind"] for row in rows]).values_list("kind", flat=True))
        model.objects.bulk_create(
            [model(kind=row["kind"], **{field: row[field] for field in fields}) for row in rows],
            update_conflicts=True,
            unique_fields=["kind"],
            update_fields=fields,
        )
        return len(rows) - len(existing)

    @staticmethod
    def check_consistency(geiq: list[dict]) -> None:
        """Refuse an inconsistent file before touching the database."""
        kinds = {row["kind"] for row in geiq}
        if unknown := {row["parent"] for row in geiq if row["parent"]} - kinds:
            raise CommandError(f"Critères GEIQ rattachés à des parents inconnus : {sorted(unknown)}")
