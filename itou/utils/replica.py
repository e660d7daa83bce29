"""Reads of figures from a read replica (DATABASE_REPLICA_URL), never anything else.

There is no global read router: a replica lags behind its primary by a fraction of a
second, so a page that reads what its user just wrote must read the primary. Only code
that reads aggregated figures says so explicitly:

    with read_from_replica():
        ...  # querysets evaluated here read the replica (when configured)

or decorates a view with `@figures_from_replica` (streamed responses included). Writes
always go to the primary (`default`), inside the block too. Without DATABASE_REPLICA_URL
every read stays on `default` (docs/deploiement.md).
"""

import contextlib
import contextvars
import functools

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA_ALIAS = "replica"

_reading_figures = contextvars.ContextVar("reading_figures", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in connections.settings


def figures_alias() -> str:
    """The alias raw SQL of figures should use right now."""
    return REPLICA_ALIAS if _reading_figures.get() and replica_configured() else DEFAULT_DB_ALIAS


@contextlib.contextmanager
def read_from_replica():
    token = _reading_figures.set(True)
    try:
        yield
    finally:
        _reading_figures.reset(token)


def _streamed_in_replica(iterator):
    with read_from_replica():
        yield from iterator


def figures_from_replica(view):
    """The view (and the streamed body of its response) reads the replica."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        with read_from_replica():
            response = view(request, *args, **kwargs)
        if getattr(response, "streaming", False) and not hasattr(response, "file_to_stream"):
            response.streaming_content = _streamed_in_replica(response.streaming_content)
        return response

    return wrapper


class ReplicaRouter:
    """DATABASE_ROUTERS: reads inside `read_from_replica()` go to the replica; the rest to default."""

    def db_for_read(self, model, **hints):
        if _reading_figures.get() and replica_configured():
            return REPLICA_ALIAS
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's migrations
