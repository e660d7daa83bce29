"""The reference list of sectors (our own list, data/sectors.csv: see docs/marche.md)."""

import csv
from pathlib import Path

SECTORS_FILE = Path(__file__).parent / "data" / "sectors.csv"


def read_sectors() -> list[dict]:
    with SECTORS_FILE.open(encoding="utf-8") as file:
        return [
            {"code": row["code"], "family": row["famille"], "name": row["nom"]}
            for row in csv.DictReader(file, delimiter=";")
        ]


def sectors_load(sector_model) -> int:
    """Create or update every sector of the file (idempotent); returns how many rows changed.
    `sector_model`: the Sector model (the real one, or a migration's historical one)."""
    changed = 0
    for row in read_sectors():
        _obj, created = sector_model.objects.get_or_create(code=row["code"], defaults=row)
        if not created and (_obj.family, _obj.name) != (row["family"], row["name"]):
            _obj.family, _obj.name = row["family"], row["name"]
            _obj.save(update_fields=["family", "name"])
            changed += 1
        changed += created
    return changed
