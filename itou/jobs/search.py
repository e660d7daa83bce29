"""How ROME appellations are indexed for text search (see docs/donnees-de-reference.md)."""

from django.contrib.postgres.search import SearchVector
from django.db.models import F
from django.db.models.functions import Lower


def appellation_search_vector() -> SearchVector:
    """The expression stored in Appellation.search_vector: normalized name words and the ROME code.

    `search_text` is the name as normalized by itou.utils.text.normalize; with the ROME
    code ("d1102") among the lexemes, typing a code finds its appellations too.
    """
    return SearchVector("search_text", Lower(F("rome_id")), config="simple")
