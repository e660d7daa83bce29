"""The rows of a page of the employer's inbox without filters, from SQL compiled once per
process (docs/performance.md, « 7 décembre 2026, 5e session »).

Building the page's query (joins, the selected jobs' array, the unread counters of
itou/exchanges/queries.py) and compiling it cost the ORM ~2 ms of processor per request,
more than PostgreSQL takes to run it. Only the employer, the user and the page's bounds
change from one request to the next: the query is built by the same functions as the
filtered pages, once per (archived, order, bounds), with two sentinel identifiers; each
request runs the compiled SQL with the sentinels replaced by the real identifiers, and
Django's own converters turn the rows into the values `values_list` would give.
Filtered pages are built by the ORM each time (their parameters vary).
"""

from django.db import connections

from itou.companies.models import Company
from itou.exchanges.queries import with_unread
from itou.job_applications import queries
from itou.job_applications.perms import ViewerRole
from itou.users.models import User

# Never an identifier (sequences start at 1): each stands for one parameter of the query.
COMPANY_SENTINEL = -2_000_000_017
USER_SENTINEL = -2_000_000_029
# Per process: a few orders and page bounds; emptied past this size (pages far down a list).
MAX_ENTRIES = 256


class CompiledQuery:
    """A `values_list` queryset compiled once; `rows(**values)` runs it again with its
    sentinel parameters (`sentinels`: value → name) replaced, through Django's cursor (the
    query is counted and timed like any other) and the compiler's own conversion of rows."""

    def __init__(self, queryset, sentinels: dict[int, str]):
        self.using = queryset.db
        compiler = queryset.query.get_compiler(self.using)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        self.slots = [
            (index, sentinels[value]) for index, value in enumerate(self.params) if _is_sentinel(value, sentinels)
        ]
        missing = set(sentinels.values()) - {name for _index, name in self.slots}
        if missing:
            raise ValueError(f"Paramètres absents de la requête compilée : {sorted(missing)}")
        self.compiler = compiler

    def rows(self, **values) -> list[tuple]:
        params = list(self.params)
        for index, name in self.slots:
            params[index] = values[name]
        with connections[self.using].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        # What `values_list` does with the rows it reads (converters, then tuples).
        return list(self.compiler.results_iter(results=[rows], tuple_expected=True))


def _is_sentinel(value, sentinels) -> bool:
    return type(value) is int and value in sentinels


def rows_queryset(listed, user, *, order):
    """The `queries.inbox_rows` of the applications `listed` (an inbox, filtered or not),
    sorted by `order` (the filter form's `order`), with `user`'s unread counters."""
    return queries.inbox_rows(with_unread(order(listed), user, ViewerRole.EMPLOYER))


_compiled: dict[tuple, CompiledQuery] = {}


def unfiltered_page_rows(company, user, *, archived: bool, order, order_key: str, low: int, high: int) -> list[tuple]:
    """Rows [low:high) of `company`'s inbox without filters for `user`: what
    `rows_queryset(queries.company_inbox(company, archived=archived), user, order=order)[low:high]`
    gives, `order_key` naming `order` (the form's sort)."""
    if high is not None and high <= low:
        return []  # an empty page (an empty inbox): like the ORM, no query
    key = (archived, order_key, low, high)
    compiled = _compiled.get(key)
    if compiled is None:
        listed = queries.company_inbox(Company(pk=COMPANY_SENTINEL), archived=archived)
        queryset = rows_queryset(listed, User(pk=USER_SENTINEL), order=order)[low:high]
        compiled = CompiledQuery(queryset, {COMPANY_SENTINEL: "company", USER_SENTINEL: "user"})
        if len(_compiled) >= MAX_ENTRIES:
            _compiled.clear()
        _compiled[key] = compiled
    return compiled.rows(company=company.pk, user=user.pk)
