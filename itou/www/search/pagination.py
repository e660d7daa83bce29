"""Pagination of search results in few queries (see docs/recherche.md)."""

import math

from django.core.paginator import Page
from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.db.models.query import ModelIterable

from itou.utils.pagination import CountedPaginator

# Beyond, a page number is out of range whatever the search (and too big for an SQL OFFSET).
MAX_PAGE_NUMBER = 10_000


def paginate_ranked(
    ranked: QuerySet, page_number, *, per_page: int, details: QuerySet, carried: tuple[str, ...] = ("distance",)
) -> Page:
    """A page of `ranked` (an ordered queryset) and the total count, in two queries.

    The first reads the ranked rows once: their ids and `carried` annotations for the
    page, and the total as a window count (COUNT(*) OVER ()), where a paginator would read
    the same rows twice (COUNT, then the page). The second loads the page's rows from
    `details` (select_related…, or values() with "id": dicts) by primary key; the carried
    annotations are set on them.
    Like Paginator.get_page, a page number that is not a number gives the first page, one
    out of range the last page (one more query, only for such links).
    """
    rows_query = ranked.annotate(total_count=Window(Count("pk"))).values_list("pk", "total_count", *carried)

    def fetch(number: int) -> list[tuple]:
        start = (number - 1) * per_page
        return list(rows_query[start : start + per_page])

    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    rows = fetch(number) if 1 <= number <= MAX_PAGE_NUMBER else []
    if rows:
        total = rows[0][1]
    elif number == 1:
        total = 0
    else:
        # Out of range: the last page, in one more query (each row's rank against the total).
        last_page = ranked.annotate(
            total_count=Window(Count("pk")), rank=Window(RowNumber(), order_by=list(ranked.query.order_by))
        ).filter(rank__gt=(F("total_count") - 1) / per_page * per_page)
        rows = list(last_page.order_by("rank").values_list("pk", "total_count", *carried))
        total = rows[0][1] if rows else 0
        number = max(1, math.ceil(total / per_page))

    ids = [row[0] for row in rows]
    # `details` may be a values() queryset (dicts with "id": cheaper to render than instances).
    as_dicts = rows and not issubclass(details._iterable_class, ModelIterable)
    if as_dicts:
        by_pk = {row["id"]: row for row in details.filter(pk__in=ids)}
    else:
        by_pk = details.in_bulk(ids) if rows else {}
    objects = []
    for pk, _total, *values in rows:
        obj = by_pk[pk]
        for name, value in zip(carried, values, strict=True):
            if as_dicts:
                obj[name] = value
            else:
                setattr(obj, name, value)
        objects.append(obj)
    return Page(objects, number, CountedPaginator([], per_page, count=total))
