"""The unfiltered inbox page runs SQL compiled once per process with sentinel identifiers
(itou/www/applications/inbox.py): its rows must be exactly those the ORM gives, for any
employer, user, archive, order and page bounds, unread counters included."""

import datetime

import pytest
from django.db.models import Value
from django.utils import timezone

from itou.exchanges import services as exchange_services
from itou.exchanges.models import ThreadState
from itou.job_applications import queries
from itou.job_applications.enums import JobApplicationState as S
from itou.www.applications import forms, inbox
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.job_applications.factories import JobApplicationFactory, employer_of, make_job_description


@pytest.fixture(autouse=True)
def _fresh_cache():
    inbox._compiled.clear()
    yield
    inbox._compiled.clear()


def _world(django_capture_on_commit_callbacks):
    companies = [CompanyFactory(with_member=True), CompanyFactory(with_member=True)]
    for number, company in enumerate(companies):
        for index in range(7 + 3 * number):
            kwargs = [{"sent_by_prescriber": True}, {"sent_by_employer": True}, {}][index % 3]
            ja = JobApplicationFactory(to_company=company, state=[S.NEW, S.REFUSED, S.ACCEPTED][index % 3], **kwargs)
            if index % 2:
                ja.selected_jobs.set(
                    [make_job_description(company, code=f"{number}{index:03d}{n}") for n in range(index % 4)]
                )
            if index % 3 == 0:
                with django_capture_on_commit_callbacks(execute=True):
                    exchange_services.message_post(acting_user=ja.sender, job_application=ja, body="Bonjour")
            if index == 4:
                ja.archived_at = timezone.now()
                ja.save(update_fields=["archived_at"])
            if index == 6:
                # Transferred after the message: the receiving employer does not see it.
                ja.transferred_at = timezone.now() + datetime.timedelta(minutes=1)
                ja.save(update_fields=["transferred_at"])
    return companies


def test_compiled_rows_are_the_orms_rows(django_capture_on_commit_callbacks, django_assert_num_queries):
    companies = _world(django_capture_on_commit_callbacks)
    users = []
    for company in companies:
        admin = company.memberships.get().user
        colleague = CompanyMembershipFactory(company=company, is_admin=False).user
        users += [(company, admin), (company, colleague)]
    # The admin of the first employer has read one thread.
    first_admin = users[0][1]
    read = companies[0].received_job_applications.filter(exchange_messages__isnull=False, transferred_at=None).first()
    ThreadState.objects.update_or_create(
        job_application=read, user=first_admin, defaults={"last_read_at": timezone.now()}
    )

    seen_unread = set()
    for archived in (False, True):
        for sort in ("", "oldest"):
            order = forms.CompanyListFilterForm({"sort": sort} if sort else None, job_descriptions=[]).order
            for low, high in ((0, 20), (2, 5), (6, 9)):
                for company, user in users:
                    expected = list(
                        inbox.rows_queryset(queries.company_inbox(company, archived=archived), user, order=order)[
                            low:high
                        ]
                    )
                    with django_assert_num_queries(1):
                        rows = inbox.unfiltered_page_rows(
                            company, user, archived=archived, order=order, order_key=sort, low=low, high=high
                        )
                    assert rows == expected
                    seen_unread |= {row[-1] for row in rows}
    assert seen_unread == {0, 1}  # both read and unread threads were compared
    assert len(inbox._compiled) == 2 * 2 * 3  # one compilation per shape, shared by employers and users


def test_the_page_of_another_employer_never_leaks(django_capture_on_commit_callbacks):
    first, second = _world(django_capture_on_commit_callbacks)
    order = forms.CompanyListFilterForm(None, job_descriptions=[]).order
    user = employer_of(first.received_job_applications.first())
    first_ids = {
        row[0]
        for row in inbox.unfiltered_page_rows(first, user, archived=False, order=order, order_key="", low=0, high=50)
    }
    second_ids = {
        row[0]
        for row in inbox.unfiltered_page_rows(second, user, archived=False, order=order, order_key="", low=0, high=50)
    }
    assert first_ids == set(first.received_job_applications.filter(archived_at=None).values_list("pk", flat=True))
    assert second_ids == set(second.received_job_applications.filter(archived_at=None).values_list("pk", flat=True))
    assert not first_ids & second_ids


def test_a_sentinel_missing_from_the_query_is_refused():
    queryset = queries.company_inbox(CompanyFactory.build(pk=inbox.COMPANY_SENTINEL)).values_list("pk")
    with pytest.raises(ValueError, match="user"):
        inbox.CompiledQuery(queryset, {inbox.COMPANY_SENTINEL: "company", inbox.USER_SENTINEL: "user"})
    # A constant that merely equals a sentinel's value in another type is not one.
    queryset = queryset.annotate(label=Value(str(inbox.USER_SENTINEL)))
    with pytest.raises(ValueError, match="user"):
        inbox.CompiledQuery(queryset, {inbox.COMPANY_SENTINEL: "company", inbox.USER_SENTINEL: "user"})
