from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F

from itou.help.models import HelpPage

MAX_RESULTS = 10


def search(text: str, *, limit: int = MAX_RESULTS):
    """Guides matching `text` (French stemming: « critères » finds « critère »), best first,
    with a highlighted excerpt. One query."""
    text = (text or "").strip()[:200]
    if not text:
        return []
    query = SearchQuery(text, config="french", search_type="websearch")
    return list(
        HelpPage.objects.filter(search_vector=query)
        .annotate(
            rank_score=SearchRank(F("search_vector"), query),
            excerpt=SearchHeadline(
                "text", query, config="french", start_sel="«", stop_sel="»", max_words=30, min_words=15
            ),
        )
        .order_by("-rank_score", "rank")[:limit]
    )
