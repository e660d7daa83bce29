"""The outsiders' probe, third part: parallel clicks.

The same state-changing POST sent twice at the same instant (a double click, two tabs),
each in its own thread with its own database connection, on committed data. Exactly one
effect: one membership, one closing, one email. (The hire and the PASS IAE have their
own race tests: tests/job_applications/test_race.py, tests/approvals/test_race.py,
tests/control/test_race.py.)
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from itou.companies.models import CompanyMembership
from itou.invitations.models import Invitation, JoinRequest
from itou.invitations.services import NewAccount
from itou.marketplace import services
from itou.marketplace.enums import AnswerStatus, BuyerKind, NeedStatus
from itou.marketplace.models import BuyerMembership, MarketplaceEvent, Need
from itou.support.models import SupportRequest
from tests.companies.factories import CompanyFactory
from tests.invitations.factories import InvitationFactory, JoinRequestFactory
from tests.marketplace.conftest import *  # noqa: F403 (fixtures: buyer, employer, published_need…)
from tests.marketplace.conftest import make_buyer
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

pytestmark = pytest.mark.django_db(transaction=True)


def click_twice(user, url, data):
    """POST `data` to `url` twice at the same instant, as `user`, from two browsers."""
    clients = []
    for _ in range(2):
        client = Client()
        if user is not None:
            client.force_login(user)
        client.raise_request_exception = False
        clients.append(client)
    barrier = threading.Barrier(2)
    statuses = [None, None]

    def click(index):
        try:
            barrier.wait()
            statuses[index] = clients[index].post(url, data).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(status is not None and status < 500 for status in statuses), statuses
    return statuses


def queued_emails_to(address) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'send_email' AND args::text LIKE %s",
            [f"%{address}%"],
        )
        return cursor.fetchone()[0]


def accepting_an_invitation():
    company = CompanyFactory(with_member=True)
    invited = ProfessionalFactory(email="camille.durand@example.com")
    invitation = InvitationFactory(company=company, email=invited.email)
    click_twice(invited, invitation.get_accept_path(), {})
    assert CompanyMembership.objects.filter(company=company, user=invited).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).accepted_by == invited


def accepting_a_join_request():
    company = CompanyFactory(with_member=True)
    admin = company.memberships.get().user
    join_request = JoinRequestFactory(company=company)
    click_twice(admin, reverse("members:join_request_accept", args=[join_request.pk]), {})
    assert CompanyMembership.objects.filter(company=company, user=join_request.user).count() == 1
    assert JoinRequest.objects.get(pk=join_request.pk).decided_at is not None


def answering_a_need(published_need, employer, buyer):
    company, member = employer
    url = reverse("marketplace:employer_need", args=[published_need.pk])
    emails_before = queued_emails_to(buyer[0].email)
    click_twice(member, url, {"action": "interested", "message": "Nous pouvons intervenir dès lundi."})
    recipient = published_need.recipients.get(company=company)
    assert recipient.answer == AnswerStatus.INTERESTED
    assert queued_emails_to(buyer[0].email) == emails_before + 1  # the buyer is told once


def closing_a_need(published_need, buyer):
    user, _ = buyer
    click_twice(user, reverse("marketplace:need_close", args=[published_need.pk]), {"outcome": "abandoned"})
    assert Need.objects.get(pk=published_need.pk).status == NeedStatus.CLOSED
    assert MarketplaceEvent.objects.filter(event="need_closed").count() == 1


def accepting_a_pending_buyer():
    admin, organization = make_buyer(7, name="Ville de Bron")
    # A second buyer of the same SIRET joins as a pending member.
    pending_user = services.buyer_signup(
        new_account=NewAccount(email="collegue@example.com", first_name="Paul", last_name="Durand", password="x" * 12),
        siret=organization.siret,
        name=organization.name,
        kind=BuyerKind.PUBLIC,
        commune=None,
        job_title="Acheteur",
    ).user
    membership = BuyerMembership.objects.get(user=pending_user)
    assert not membership.is_active
    url = reverse("marketplace:buyer_member_decide", args=[membership.pk])
    emails_before = queued_emails_to("collegue@example.com")
    click_twice(admin, url, {"decision": "accept"})
    assert BuyerMembership.objects.get(pk=membership.pk).is_active
    assert MarketplaceEvent.objects.filter(event="member_accepted").count() == 1
    assert queued_emails_to("collegue@example.com") == emails_before + 1


def sending_a_support_request():
    user = JobSeekerFactory()
    data = {"category": "pass", "subject": "Mon PASS IAE", "body": "Bonjour, mon PASS IAE n'apparaît pas."}
    click_twice(user, reverse("support:new"), data)
    assert SupportRequest.objects.filter(user=user).count() == 1


def test_each_double_click_has_one_effect(published_need, employer, buyer):
    """One transactional test for the six (each flush of the database costs seconds)."""
    accepting_an_invitation()
    accepting_a_join_request()
    answering_a_need(published_need, employer, buyer)
    closing_a_need(published_need, buyer)
    accepting_a_pending_buyer()
    sending_a_support_request()
