"""Prefix text search behind the autocomplete endpoints (see docs/donnees-de-reference.md).

The user's text is normalized like the stored `search_text` (itou.utils.text.normalize),
split into words, and turned into a prefix tsquery ("st eti" -> "(st:* | saint:*) & eti:*")
run against the GIN-indexed `search_vector`. The tsquery is passed as a query parameter,
never interpolated into SQL, and only ever holds [a-z0-9] words, `:*`, `|`, `&` and
parentheses, so no input can make to_tsquery fail.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.db.models.functions import Length

from itou.geo.models import Commune
from itou.jobs.models import Appellation
from itou.utils.text import normalize

MIN_LENGTH = 2
MAX_WORDS = 6
MAX_WORD_LENGTH = 30
LIMIT = 10

# Abbreviations people type for the most common first words of French place names.
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}


@dataclass(frozen=True)
class ParsedQuery:
    tsquery: str  # for to_tsquery('simple', …)
    phrases: tuple[str, ...]  # the normalized text as typed and with abbreviations expanded


def parse_query(text: str) -> ParsedQuery | None:
    """Return the search to run for what the user typed, or None when it is too short to search."""
    words = [word[:MAX_WORD_LENGTH] for word in normalize(text[:500]).split()][:MAX_WORDS]
    if len("".join(words)) < MIN_LENGTH:
        return None
    terms = []
    for word in words:
        if expanded := ABBREVIATIONS.get(word):
            terms.append(f"({word}:* | {expanded}:*)")
        else:
            terms.append(f"{word}:*")
    typed = " ".join(words)
    expanded = " ".join(ABBREVIATIONS.get(word, word) for word in words)
    return ParsedQuery(tsquery=" & ".join(terms), phrases=tuple(dict.fromkeys([typed, expanded])))


def _ranking(parsed: ParsedQuery) -> list:
    """Order by: the normalized name equals the query, then starts with it, then has its words
    together after another word ("mont st michel" -> "le mont saint michel").
    """
    exact = Q(search_text__in=parsed.phrases)
    prefix = Q()
    inside = Q()
    for phrase in parsed.phrases:
        prefix |= Q(search_text__startswith=phrase)
        if " " in phrase:
            # For one word the tsquery already demands a word starting with it.
            inside |= Q(search_text__contains=f" {phrase}")
    conditions = [exact, prefix, inside] if inside else [exact, prefix]
    return [ExpressionWrapper(condition, output_field=BooleanField()).desc() for condition in conditions]


def _matching(queryset, parsed: ParsedQuery):
    return queryset.filter(search_vector=SearchQuery(parsed.tsquery, search_type="raw", config="simple"))


def communes_autocomplete(text: str, *, limit: int = LIMIT) -> list[dict]:
    """Communes for a name or a postal code (prefixes), biggest population first after exact and prefix matches.

    One query; postal codes are among the lexemes of search_vector, so "420" finds the
    communes whose postal code starts with 420.
    """
    parsed = parse_query(text)
    if parsed is None:
        return []
    communes = (
        _matching(Commune.objects.all(), parsed)
        .order_by(*_ranking(parsed), "-population", "name", "code")
        .values("code", "name", "department_id", "postal_codes")[:limit]
    )
    return [
        {
            "id": commune["code"],
            "label": f"{commune['name']} ({commune['department_id']})",
            "name": commune["name"],
            "department": commune["department_id"],
            "postal_codes": commune["postal_codes"],
        }
        for commune in communes
    ]


def appellations_autocomplete(text: str, *, limit: int = LIMIT) -> list[dict]:
    """ROME appellations for a job title or a ROME code (prefixes), shortest names first after exact and prefix matches.

    One query: the ROME code shown in the label is the foreign key column itself.
    """
    parsed = parse_query(text)
    if parsed is None:
        return []
    appellations = (
        _matching(Appellation.objects.all(), parsed)
        .order_by(*_ranking(parsed), Length("name"), "name", "code")
        .values("code", "name", "rome_id")[:limit]
    )
    return [
        {
            "id": appellation["code"],
            "label": f"{appellation['name']} ({appellation['rome_id']})",
            "name": appellation["name"],
            "rome": appellation["rome_id"],
        }
        for appellation in appellations
    ]
