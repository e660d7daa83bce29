"""Grouped emails (one per thread per person per hour) and unread counters."""

import pytest
from django.urls import reverse

from itou.exchanges import services
from itou.exchanges.models import ThreadState
from itou.notifications.models import SentEmail
from tests.companies.factories import CompanyMembershipFactory
from tests.helpers import extract_link, run_pending_jobs
from tests.job_applications.factories import JobApplicationFactory
from tests.www.applications.conftest import login


class Exchange:
    """Post and notify as the services do, running what waits for the commit (the emails)."""

    def __init__(self, capture):
        self.capture = capture

    def post(self, **kwargs):
        with self.capture(execute=True):
            return services.message_post(**kwargs)

    def notify(self):
        with self.capture(execute=True):
            return services.notify_pending()


@pytest.fixture
def exchange(django_capture_on_commit_callbacks):
    return Exchange(django_capture_on_commit_callbacks)


def emails_to(user):
    run_pending_jobs()
    return list(SentEmail.objects.filter(to__contains=[user.email]).order_by("sent_at", "pk"))


def clear_emails():
    run_pending_jobs()
    SentEmail.objects.all().delete()


def test_first_message_emails_the_other_side_at_once(exchange, cast):
    clear_emails()
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Bonjour <b>secret</b>")
    for member in (cast.employer, cast.colleague):
        (email,) = emails_to(member)
        assert "Nouveau message sur la candidature de" in email.subject
        assert "secret" not in email.body  # the content stays on the platform
        link = extract_link(email.body, "/candidatures/")
        assert link.endswith(reverse("applications:detail", args=[cast.job_application.pk]) + "#messages")
    assert emails_to(cast.prescriber) == []  # not the author
    assert len(emails_to(cast.job_seeker)) == 1


def test_between_professionals_does_not_email_the_job_seeker(exchange, cast):
    clear_emails()
    exchange.post(
        acting_user=cast.employer, job_application=cast.job_application, body="Entre nous", between_professionals=True
    )
    assert emails_to(cast.job_seeker) == []
    assert len(emails_to(cast.prescriber)) == 1
    assert emails_to(cast.colleague) == []  # same side as the author


def test_at_most_one_email_per_hour_then_grouped(exchange, cast, time_machine):
    clear_emails()
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Un")
    time_machine.shift(10 * 60)
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Deux")
    time_machine.shift(10 * 60)
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Trois")
    assert len(emails_to(cast.employer)) == 1
    assert exchange.notify() == 0  # less than an hour since the email
    time_machine.shift(41 * 60)
    sent = exchange.notify()
    assert sent == 3  # employer, colleague, job seeker: one each
    emails = emails_to(cast.employer)
    assert len(emails) == 2
    assert "2 nouveaux messages" in emails[1].subject
    assert exchange.notify() == 0  # nothing new


def test_read_messages_are_not_emailed_later(exchange, client, cast, time_machine):
    clear_emails()
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Un")
    time_machine.shift(10 * 60)
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Deux")
    login(client, cast.employer)
    client.get(reverse("applications:detail", args=[cast.job_application.pk]))
    time_machine.shift(2 * 3600)
    exchange.notify()
    assert len(emails_to(cast.employer)) == 1  # read in between: no second email
    assert len(emails_to(cast.colleague)) == 2  # the colleague did not read it


def test_no_email_once_access_is_lost(exchange, cast, time_machine):
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Un")
    time_machine.shift(10 * 60)
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Deux")
    clear_emails()
    cast.company.memberships.filter(user=cast.colleague).update(is_active=False)
    time_machine.shift(2 * 3600)
    exchange.notify()
    assert emails_to(cast.colleague) == []
    assert len(emails_to(cast.employer)) == 1


def test_unread_badge_on_the_inbox_and_reading_clears_it(exchange, client, cast):
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Un")
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Deux")
    login(client, cast.employer, cast.company)
    html = client.get(reverse("applications:company_list")).content.decode()
    assert "2 messages non lus" in html
    dashboard = client.get(reverse("dashboard:index")).content.decode()
    assert "1 candidature avec des messages non lus." in dashboard
    client.get(reverse("applications:detail", args=[cast.job_application.pk]))
    assert "non lu" not in client.get(reverse("applications:company_list")).content.decode()
    assert "Aucun message non lu." in client.get(reverse("dashboard:index")).content.decode()
    # Own messages are never unread.
    exchange.post(acting_user=cast.employer, job_application=cast.job_application, body="Réponse")
    assert "non lu" not in client.get(reverse("applications:company_list")).content.decode()
    login(client, cast.prescriber, cast.job_application.sender_prescriber_organization)
    assert "1 message non lu" in client.get(reverse("applications:prescriber_list")).content.decode()


def test_job_seeker_unread_ignores_between_professionals(exchange, client, cast):
    exchange.post(
        acting_user=cast.employer, job_application=cast.job_application, body="Entre nous", between_professionals=True
    )
    login(client, cast.job_seeker)
    assert "non lu" not in client.get(reverse("applications:job_seeker_list")).content.decode()
    exchange.post(acting_user=cast.employer, job_application=cast.job_application, body="Pour vous")
    assert "1 message non lu" in client.get(reverse("applications:job_seeker_list")).content.decode()


def test_inbox_unread_badges_in_constant_queries(exchange, client, cast, django_assert_max_num_queries):
    login(client, cast.employer, cast.company)
    url = reverse("applications:company_list")
    client.get(url)
    with django_assert_max_num_queries(50) as first:
        client.get(url)
    for n in range(6):
        job_application = JobApplicationFactory(to_company=cast.company, sent_by_prescriber=True)
        exchange.post(acting_user=job_application.sender, job_application=job_application, body=f"Message {n}")
        ThreadState.objects.filter(user=cast.employer).delete()
    with django_assert_max_num_queries(len(first.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("1 message non lu") == 6


def test_new_member_sees_unread_messages_of_the_inbox(exchange, client, cast):
    exchange.post(acting_user=cast.prescriber, job_application=cast.job_application, body="Un")
    newcomer = CompanyMembershipFactory(company=cast.company).user
    login(client, newcomer, cast.company)
    assert "1 message non lu" in client.get(reverse("applications:company_list")).content.decode()
