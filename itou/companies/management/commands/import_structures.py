"""Import an official list of employers: ASP export (SIAE), GEIQ list, EA/EATT list.

See docs/import-des-structures.md for the CSV format and the rules. Every row is checked
before anything is written: a file with one bad row changes nothing.
"""

import csv
import datetime
import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import siret as stdnum_siret
from tqdm import tqdm

from itou.companies.apps import search_pages_changed
from itou.companies.enums import SIAE_KINDS, CompanyKind, CompanySource
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD, Company
from itou.geo.models import Commune

COLUMNS = (
    "siret",
    "kind",
    "name",
    "address_line",
    "post_code",
    "insee_code",
    "official_email",
    "convention_start_date",
    "convention_end_date",
)
# The kinds that come from an official list (an OPCS is created by the support team).
IMPORTABLE_KINDS = tuple(kind for kind in CompanyKind if kind != CompanyKind.OPCS)
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
MAX_ERRORS_SHOWN = 50
BATCH_SIZE = 500
# What the file decides; coordinates and is_active follow their own rules below.
IMPORTED_FIELDS = (
    "name",
    "address_line",
    "post_code",
    "commune_id",
    "official_email",
    "convention_start_date",
    "convention_end_date",
    "source",
)


def source_for_kind(kind: str) -> CompanySource:
    if kind in SIAE_KINDS:
        return CompanySource.ASP
    if kind == CompanyKind.GEIQ:
        return CompanySource.GEIQ
    return CompanySource.EA_EATT


@dataclass(frozen=True)
class StructureRow:
    line: int
    siret: str
    kind: str
    name: str
    address_line: str
    post_code: str
    commune_code: str
    official_email: str
    convention_start_date: datetime.date | None
    convention_end_date: datetime.date | None

    @property
    def key(self) -> tuple[str, str]:
        return (self.siret, self.kind)


@dataclass
class Summary:
    read: int = 0
    created: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0


def read_csv(path: Path) -> list[tuple[int, dict]]:
    """The rows of the file with their line numbers (the header is line 1).

    UTF-8 (with or without BOM); the separator, comma or semicolon, is the one of the header.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CommandError(f"Fichier introuvable : {path}")
    except UnicodeDecodeError:
        raise CommandError("Le fichier doit être encodé en UTF-8 (enregistrez-le en « CSV UTF-8 »).")
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise CommandError("Le fichier est vide : la première ligne doit donner le nom des colonnes.")
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [column.strip() for column in reader.fieldnames or []]
    if missing := [column for column in COLUMNS if column not in header]:
        raise CommandError(
            f"Colonnes manquantes dans l'en-tête : {', '.join(missing)}. Colonnes attendues : {', '.join(COLUMNS)}."
        )
    reader.fieldnames = header
    rows = []
    for row in reader:
        if not any((value or "").strip() for key, value in row.items() if key is not None):
            continue  # A blank line (often the last one).
        rows.append((reader.line_num, row))
    return rows


def parse_date(value: str) -> datetime.date | None:
    if not value:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(value, date_format).date()
        except ValueError:
            continue
    raise ValueError(value)


def validate_rows(raw_rows: list[tuple[int, dict]], known_communes: Iterable[str]) -> tuple[list[StructureRow], list]:
    """Check every row; return the clean rows and the French errors (with line numbers)."""
    known_communes = set(known_communes)
    rows, errors, seen = [], [], {}
    for line, raw in raw_rows:
        problems = []
        if None in raw or any(raw.get(column) is None for column in COLUMNS):
            errors.append(f"Ligne {line} : nombre de colonnes incorrect ({len(COLUMNS)} attendues).")
            continue
        value = {column: " ".join(raw[column].split()) for column in COLUMNS}

        siret = stdnum_siret.compact(value["siret"])
        try:
            stdnum_siret.validate(siret)
        except stdnum_exceptions.InvalidChecksum:
            problems.append(f"SIRET « {value['siret']} » : la clé de contrôle est fausse (vérifiez les chiffres)")
        except stdnum_exceptions.ValidationError:
            problems.append(f"SIRET « {value['siret']} » : il doit comporter 14 chiffres")

        kind = value["kind"].upper()
        if kind not in IMPORTABLE_KINDS:
            problems.append(
                f"type « {value['kind']} » inconnu (types acceptés : {', '.join(IMPORTABLE_KINDS)})"
                if value["kind"]
                else "le type est obligatoire"
            )

        if not value["name"]:
            problems.append("le nom est obligatoire")
        elif len(value["name"]) > 255:
            problems.append("le nom dépasse 255 caractères")
        if len(value["address_line"]) > 255:
            problems.append("l'adresse dépasse 255 caractères")

        post_code = value["post_code"].replace(" ", "")
        if post_code and not (len(post_code) == 5 and post_code.isdigit()):
            problems.append(f"code postal « {value['post_code']} » : 5 chiffres attendus")

        commune_code = value["insee_code"].upper()
        if not commune_code:
            problems.append("le code Insee de la commune est obligatoire")
        elif commune_code not in known_communes:
            problems.append(
                f"commune « {value['insee_code']} » inconnue (code Insee attendu, par exemple 69123 pour Lyon)"
            )

        email = value["official_email"].lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"adresse e-mail « {value['official_email']} » invalide")

        dates = {}
        for column, label in (("convention_start_date", "début"), ("convention_end_date", "fin")):
            try:
                dates[column] = parse_date(value[column])
            except ValueError:
                dates[column] = None
                problems.append(
                    f"date de {label} de convention « {value[column]} » invalide (AAAA-MM-JJ ou JJ/MM/AAAA)"
                )
        start, end = dates["convention_start_date"], dates["convention_end_date"]
        if start and end and end < start:
            problems.append(f"la convention finit ({end:%d/%m/%Y}) avant de commencer ({start:%d/%m/%Y})")

        if not problems:
            if (siret, kind) in seen:
                problems.append(f"la structure SIRET {siret} de type {kind} figure déjà ligne {seen[(siret, kind)]}")
            else:
                seen[(siret, kind)] = line
        if problems:
            errors.append(f"Ligne {line} : {' ; '.join(problems)}.")
            continue
        rows.append(
            StructureRow(
                line=line,
                siret=siret,
                kind=kind,
                name=value["name"],
                address_line=value["address_line"],
                post_code=post_code,
                commune_code=commune_code,
                official_email=email,
                convention_start_date=start,
                convention_end_date=end,
            )
        )
    return rows, errors


def import_rows(rows: list[StructureRow], *, today: datetime.date, progress: bool = False) -> Summary:
    """Create or update the structures of `rows` (already validated), then close the expired ones.

    Key: SIRET + kind. Coordinates come from the commune for a new structure, and again
    when its commune changes (a structure geocoded at its address keeps its coordinates
    otherwise). A structure whose convention ended before `today` minus the grace period
    is closed (is_active False); one whose convention is renewed is open again. Active
    structures of the same official lists whose stored convention ended before the grace
    period are closed too, even when the file no longer lists them.
    Runs in the caller's transaction; a second run with the same rows changes nothing.
    """
    summary = Summary(read=len(rows))
    closing_limit = today - SIAE_CONVENTION_GRACE_PERIOD
    now = timezone.now()
    coordinates = {
        code: (latitude, longitude)
        for code, latitude, longitude in Commune.objects.filter(
            code__in={row.commune_code for row in rows}
        ).values_list("code", "latitude", "longitude")
    }
    existing = {
        (company.siret, company.kind): company
        for company in Company.objects.filter(siret__in={row.siret for row in rows}).order_by()
    }

    def expired(end: datetime.date | None) -> bool:
        return end is not None and end < closing_limit

    to_create, to_update, updated_fields, matched_ids = [], [], set(), []
    for row in tqdm(rows, unit=" structures", disable=not progress):
        latitude, longitude = coordinates[row.commune_code]
        values = {
            "name": row.name,
            "address_line": row.address_line,
            "post_code": row.post_code,
            "commune_id": row.commune_code,
            "official_email": row.official_email,
            "convention_start_date": row.convention_start_date,
            "convention_end_date": row.convention_end_date,
            "source": source_for_kind(row.kind),
        }
        company = existing.get(row.key)
        if company is None:
            to_create.append(
                Company(
                    siret=row.siret,
                    kind=row.kind,
                    latitude=latitude,
                    longitude=longitude,
                    is_active=not expired(row.convention_end_date),
                    **values,
                )
            )
            summary.created += 1
            continue

        matched_ids.append(company.pk)
        changed = {field for field, value in values.items() if getattr(company, field) != value}
        relocate = "commune_id" in changed or company.latitude is None or company.longitude is None
        for field, value in values.items():
            setattr(company, field, value)
        if relocate and (company.latitude, company.longitude) != (latitude, longitude):
            company.latitude, company.longitude = latitude, longitude
            changed |= {"latitude", "longitude"}
        was_active = company.is_active
        if row.convention_end_date is not None:
            company.is_active = not expired(row.convention_end_date)
            if company.is_active != was_active:
                changed.add("is_active")
        if changed:
            company.updated_at = now
            to_update.append(company)
            updated_fields |= changed | {"updated_at"}
        if was_active and not company.is_active:
            summary.closed += 1
        elif changed:
            summary.updated += 1
        else:
            summary.unchanged += 1

    if to_update:
        Company.objects.bulk_update(to_update, sorted(updated_fields), batch_size=BATCH_SIZE)
    if to_create:
        Company.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    # Listed before, no longer renewed: closed once the grace period is over.
    summary.closed += (
        Company.objects.filter(
            is_active=True,
            source__in={source_for_kind(row.kind) for row in rows},
            convention_end_date__lt=closing_limit,
        )
        .exclude(pk__in=matched_ids)
        .update(is_active=False, updated_at=now)
    )
    # Bulk writes send no signal: the cached search pages are made stale here.
    search_pages_changed()
    return summary


class Command(BaseCommand):
    help = (
        "Importe une liste officielle de structures (export ASP des SIAE, liste des GEIQ, liste des EA) "
        "depuis un fichier CSV. Voir docs/import-des-structures.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Le fichier CSV (UTF-8, séparateur virgule ou point-virgule).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Vérifie le fichier et affiche le bilan sans rien enregistrer."
        )

    def handle(self, *args, file: Path, dry_run: bool, verbosity: int, **options):
        started = time.monotonic()
        raw_rows = read_csv(file)
        codes = {(raw.get("insee_code") or "").strip().upper() for _line, raw in raw_rows}
        known = Commune.objects.filter(code__in=codes).values_list("code", flat=True)
        rows, errors = validate_rows(raw_rows, known)
        if errors:
            shown = "\n".join(f"  {error}" for error in errors[:MAX_ERRORS_SHOWN])
            more = (
                f"\n  … et {len(errors) - MAX_ERRORS_SHOWN} autres erreurs." if len(errors) > MAX_ERRORS_SHOWN else ""
            )
            raise CommandError(
                f"Le fichier contient {len(errors)} erreur{'s' if len(errors) > 1 else ''} : "
                f"rien n'a été modifié. Corrigez-les puis relancez l'import.\n{shown}{more}"
            )
        with transaction.atomic():
            summary = import_rows(rows, today=timezone.localdate(), progress=verbosity >= 1)
            if dry_run:
                transaction.set_rollback(True)
        if verbosity >= 1:
            verdict = "Vérification terminée (rien n'a été enregistré)" if dry_run else "Import terminé"
            self.stdout.write(
                f"{verdict} en {time.monotonic() - started:.1f} s : {summary.read} structure(s) dans le fichier, "
                f"{summary.created} créée(s), {summary.updated} mise(s) à jour, {summary.closed} fermée(s), "
                f"{summary.unchanged} inchangée(s)."
            )
