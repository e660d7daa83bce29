"""How communes are indexed for text search (see docs/donnees-de-reference.md)."""

from django.contrib.postgres.search import SearchVector
from django.db.models import F, Func, TextField, Value


def commune_search_vector() -> SearchVector:
    """The expression stored in Commune.search_vector: normalized name words and postal codes.

    `search_text` is the name as normalized by itou.utils.text.normalize. The 'simple'
    configuration neither stems nor drops stop words: lexemes are the normalized words
    themselves, so prefix queries ("saint:* & eti:*") behave predictably.
    """
    postal_codes = Func(F("postal_codes"), Value(" "), function="array_to_string", output_field=TextField())
    return SearchVector("search_text", postal_codes, config="simple")
