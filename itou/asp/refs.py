"""The small ASP reference tables, read once from the committed CSV files (data/).

Codes are stored without left padding in the files but sent with 2 digits.
"""

import csv
import datetime
import functools
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

# Company kind → `mesure` (ref_mesure_v2.Rme_code_mesure_disp) and `salarieTypeEmployeur`.
MEASURE_BY_KIND = {"ACI": "ACI_DC", "AI": "AI_DC", "EI": "EI_DC", "EITI": "EITI_DC", "ETTI": "ETTI_DC"}
EMPLOYER_TYPE_BY_KIND = {"EI": "01", "ETTI": "02", "AI": "03", "ACI": "04", "EA": "06", "EITI": "07"}

# `…Depuis` fields (ref_duree_allocation_emploi_v2).
DURATIONS = [
    ("01", "Moins de 6 mois"),
    ("02", "De 6 à 11 mois"),
    ("03", "De 12 à 23 mois"),
    ("04", "24 mois et plus"),
]

RSA_CHOICES = [("NON", "Non"), ("OUI-M", "Oui, majoré"), ("OUI-NM", "Oui, non majoré")]

# cotisationsTI (EITI)
EITI_CONTRIBUTIONS = [
    ("01", "Achat/revente de marchandises"),
    ("02", "Prestations de services commerciales et artisanales"),
    ("03", "Autres prestations de services"),
    ("04", "Professions libérales règlementées relevant de la Cipav"),
    ("05", "Locations de meublés de tourisme classés"),
    ("06", "Non déterminé (contrat établi avant 2025)"),
]

# orienteur (ref_orienteur_v5) of an application sent by an authorized organization.
ORIENTEUR_BY_PRESCRIBER_KIND = {
    "ML": "01",
    "CAP_EMPLOI": "02",
    "FT": "03",
    "PLIE": "04",
    "DEPT": "05",
    "SPIP": "09",
    "PJJ": "10",
    "CCAS": "11",
    "CHRS": "12",
    "CIDFF": "13",
    "PREVENTION": "14",
    "AFPA": "15",
    "PIJ_BIJ": "16",
    "CAF": "17",
    "CADA": "18",
    "ASE": "19",
    "CAVA": "20",
    "CPH": "21",
    "CHU": "22",
    "OACAS": "23",
}
ORIENTEUR_SPONTANEOUS = "07"
ORIENTEUR_NOT_AUTHORIZED = "08"
ORIENTEUR_OTHER_AUTHORIZED = "06"


def read_csv(name: str) -> list[dict]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter=";"))


def parse_date(value: str) -> datetime.date | None:
    value = (value or "").strip()
    if not value or value == "/":
        return None
    return datetime.datetime.strptime(value, "%d/%m/%Y").date()


@functools.cache
def street_types() -> dict[str, str]:
    """Current street types: code → label ("RUE" → "Rue")."""
    return {row["codetypevoie"]: row["libelle"] for row in read_csv("ref_type_voie_v3.csv") if not row["datefin"]}


@functools.cache
def lane_extensions() -> dict[str, str]:
    """ "B" → "Bis", "T" → "Ter", "Q" → "Quater", "C" → "Quinquies"."""
    return {row["Code"]: row["libelle"] for row in read_csv("ref_extension_voie_v1.csv")}


@functools.cache
def country_groups() -> dict[str, str]:
    return {row["CODE_GROUPE_PAYS"]: row["LIB_GROUPE_PAYS"] for row in read_csv("ref_grp_pays_v1.csv")}


def street_type_choices() -> list[tuple[str, str]]:
    return sorted(street_types().items(), key=lambda item: item[1])


# First words of a lane that name its type when they are not an ASP code themselves.
STREET_TYPE_ALIASES = {
    "r": "RUE",
    "rue": "RUE",
    "av": "AV",
    "avenue": "AV",
    "bd": "BD",
    "boulevard": "BD",
    "che": "CHEM",
    "chemin": "CHEM",
    "qu": "QUAI",
    "quai": "QUAI",
    "place": "PL",
    "pl": "PL",
    "allee": "ALL",
    "impasse": "IMP",
    "route": "RTE",
    "lieu-dit": "LD",
    "cours": "CRS",
}
