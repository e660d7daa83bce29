"""Who reads which messages, and the unread counters (one query each, whatever the size)."""

import datetime

from django.db.models import Count, DateTimeField, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from itou.exchanges.models import ApplicationMessage, Side, ThreadState

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def visibility_filter(side: str, job_application=None, *, prefix: str = "") -> Q:
    """The messages `side` reads: the job seeker never those "entre professionnels"; the
    receiving employer, after a transfer, only those written from the transfer on."""
    if side == Side.JOB_SEEKER:
        return Q(**{f"{prefix}between_professionals": False})
    if side == Side.EMPLOYER:
        if job_application is not None:
            if job_application.transferred_at is None:
                return Q()
            return Q(**{f"{prefix}created_at__gte": job_application.transferred_at})
        return Q(**{f"{prefix}job_application__transferred_at__isnull": True}) | Q(
            **{f"{prefix}created_at__gte": F(f"{prefix}job_application__transferred_at")}
        )
    if side == Side.SENDER:
        return Q()
    raise ValueError(side)


def thread(job_application, side: str):
    """The messages of the application `side` may read, oldest first, with their authors."""
    return (
        ApplicationMessage.objects.filter(job_application=job_application)
        .filter(visibility_filter(side, job_application))
        .select_related("author", "author_company", "author_prescriber_organization")
        .order_by("created_at", "pk")
    )


def with_unread(queryset, user, side: str):
    """Annotate applications with `unread_messages`: messages of others that `user` (on
    `side`) has not read yet. Two correlated subqueries: the number of queries does not
    depend on the number of rows."""
    last_read = ThreadState.objects.filter(job_application=OuterRef("pk"), user=user).values("last_read_at")[:1]
    queryset = queryset.annotate(
        _unread_since=Coalesce(Subquery(last_read, output_field=DateTimeField()), Value(EPOCH))
    )
    if side == Side.EMPLOYER:
        queryset = queryset.annotate(
            _unread_since_visible=Greatest(F("_unread_since"), Coalesce(F("transferred_at"), Value(EPOCH)))
        )
    else:
        queryset = queryset.annotate(_unread_since_visible=F("_unread_since"))
    unread = (
        ApplicationMessage.objects.filter(
            job_application=OuterRef("pk"), created_at__gt=OuterRef("_unread_since_visible")
        )
        .exclude(author=user)
        .filter(Q(between_professionals=False) if side == Side.JOB_SEEKER else Q())
        .order_by()
        .values("job_application")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(unread_messages=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))


def unread_threads_count(queryset, user, side: str) -> int:
    """How many applications of `queryset` have messages `user` has not read (one query)."""
    return with_unread(queryset.order_by(), user, side).filter(unread_messages__gt=0).count()
