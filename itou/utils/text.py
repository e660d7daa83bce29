"""Text helpers shared by search and autocomplete."""

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(value: str) -> str:
    """Lower-case, strip accents, and turn every non-alphanumeric run into one space.

    "Saint-Étienne" -> "saint etienne". What search columns store and what queries
    are compared with, so that accents, case and hyphens never matter.
    """
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char))
    ascii_only = ascii_only.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    return _NON_ALNUM.sub(" ", ascii_only.lower()).strip()
