"""Convert the open data of ../shared/data into the compact files the apps ship with.

    .venv/bin/python scripts/convert_reference_data.py [SOURCE_DIR]

SOURCE_DIR defaults to ../shared/data next to the project. The output is deterministic
(sorted rows, gzip without timestamp), so replaying the conversion on the same sources
gives byte-identical files and an empty git diff. The application never reads
SOURCE_DIR: the import commands (import_geo, import_rome, import_criteria) only read the
files written here. See docs/donnees-de-reference.md.
"""

import csv
import gzip
import io
import json
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = BASE_DIR.parent / "shared" / "data"
GEO_DIR = BASE_DIR / "itou" / "geo" / "data"
JOBS_DIR = BASE_DIR / "itou" / "jobs" / "data"
ELIGIBILITY_DIR = BASE_DIR / "itou" / "eligibility" / "data"

# The 14 "grands domaines" of the ROME (France Travail). The source files only carry
# the ROME codes, whose first letter is the domain.
ROME_DOMAINS = {
    "A": "Agriculture et Pêche, Espaces naturels et Espaces verts, Soins aux animaux",
    "B": "Arts et Façonnage d'ouvrages d'art",
    "C": "Banque, Assurance, Immobilier",
    "D": "Commerce, Vente et Grande distribution",
    "E": "Communication, Média et Multimédia",
    "F": "Construction, Bâtiment et Travaux publics",
    "G": "Hôtellerie-Restauration, Tourisme, Loisirs et Animation",
    "H": "Industrie",
    "I": "Installation et Maintenance",
    "J": "Santé",
    "K": "Services à la personne et à la collectivité",
    "L": "Spectacle",
    "M": "Support à l'entreprise",
    "N": "Transport et Logistique",
}

CRITERIA_FIELDS = [
    "kind",
    "level",
    "name",
    "desc",
    "written_proof",
    "written_proof_url",
    "written_proof_validity",
    "ui_rank",
]
GEIQ_CRITERIA_FIELDS = [*CRITERIA_FIELDS, "annex", "slug", "api_code", "parent"]


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode()
    if path.suffix == ".gz":
        # mtime=0 and no file name in the header: same input, same bytes.
        with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)
    print(f"{path.relative_to(BASE_DIR)} : {len(rows)} lignes, {path.stat().st_size} octets")


def write_json(path: Path, rows: list[dict]) -> None:
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{path.relative_to(BASE_DIR)} : {len(rows)} éléments, {path.stat().st_size} octets")


def convert_geo(source: Path) -> None:
    regions = sorted(read_csv(source / "regions.csv"), key=lambda row: row["code"])
    write_csv(GEO_DIR / "regions.csv", ["code", "name"], [[row["code"], row["name"]] for row in regions])

    departments = sorted(read_csv(source / "departments.csv"), key=lambda row: row["code"])
    write_csv(
        GEO_DIR / "departments.csv",
        ["code", "name", "region"],
        [[row["code"], row["name"], row["region"]] for row in departments],
    )

    communes = sorted(read_csv(source / "communes.csv"), key=lambda row: row["insee_code"])
    write_csv(
        GEO_DIR / "communes.csv.gz",
        ["insee_code", "name", "department", "region", "postal_codes", "population", "latitude", "longitude"],
        [
            [
                row["insee_code"],
                row["name"],
                row["department"],
                row["region"],
                row["postal_codes"],
                row["population"],
                row["latitude"],
                row["longitude"],
            ]
            for row in communes
        ],
    )


def convert_rome(source: Path) -> None:
    write_csv(JOBS_DIR / "rome_domains.csv", ["code", "name"], [[code, name] for code, name in ROME_DOMAINS.items()])

    romes = sorted(read_csv(source / "rome_codes.csv"), key=lambda row: row["code"])
    unknown = {row["code"][0] for row in romes} - ROME_DOMAINS.keys()
    if unknown:
        sys.exit(f"Grands domaines inconnus : {sorted(unknown)}")
    write_csv(JOBS_DIR / "rome_codes.csv", ["code", "name"], [[row["code"], row["name"]] for row in romes])

    appellations = sorted(read_csv(source / "rome_appellations.csv"), key=lambda row: row["code"])
    write_csv(
        JOBS_DIR / "rome_appellations.csv.gz",
        ["code", "name", "rome_code"],
        [[row["code"], row["name"], row["rome_code"]] for row in appellations],
    )


def _criteria(fixture: list[dict], fields: list[str]) -> list[dict]:
    """Django fixture rows -> plain rows keyed by `kind` (parents referenced by kind, not by id)."""
    kind_by_pk = {row["pk"]: row["fields"]["kind"] for row in fixture}
    rows = []
    for row in sorted(fixture, key=lambda row: row["pk"]):
        values = dict(row["fields"])
        if "parent" in fields:
            values["parent"] = kind_by_pk[values["parent_id"]] if values.get("parent_id") else ""
        values["level"] = values.get("level") or ""
        rows.append({field: values.get(field, "") for field in fields})
    return rows


def convert_criteria(source: Path) -> None:
    iae = json.loads((source / "administrative_criteria.json").read_text(encoding="utf-8"))
    write_json(ELIGIBILITY_DIR / "administrative_criteria.json", _criteria(iae, CRITERIA_FIELDS))
    geiq = json.loads((source / "administrative_criteria_geiq.json").read_text(encoding="utf-8"))
    write_json(ELIGIBILITY_DIR / "administrative_criteria_geiq.json", _criteria(geiq, GEIQ_CRITERIA_FIELDS))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    if not (source / "communes.csv").exists():
        sys.exit(f"Dossier source introuvable ou incomplet : {source}")
    convert_geo(source)
    convert_rome(source)
    convert_criteria(source)


if __name__ == "__main__":
    main()
