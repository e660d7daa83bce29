"""Two DDETS agents on the same proof at once, on the real database (committed data, threads)."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection, transaction

from itou.control import services
from itou.control.enums import CriterionState
from itou.control.models import ControlledCriterion
from itou.eligibility.models import AdministrativeCriteria
from tests.approvals.factories import member_of
from tests.control.factories import drawn_campaign, pdf_file

pytestmark = pytest.mark.django_db(transaction=True)


@time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC), tick=False)
def test_second_reviewer_sees_a_message_while_the_first_holds_the_row():
    campaign, siae = drawn_campaign(hires=2)
    employer = member_of(siae.company)
    rsa = AdministrativeCriteria.objects.get(kind="RSA")
    for hire in siae.hires.all():
        services.select_criteria(hire, [rsa], user=employer)
    for criterion in ControlledCriterion.objects.all():
        services.upload_proof(criterion.pk, pdf_file(), company=siae.company, user=employer)
    services.submit(siae, user=employer)
    criterion = ControlledCriterion.objects.order_by("pk").first()
    inspector = member_of(campaign.institution)
    locked, release = threading.Event(), threading.Event()

    def first_agent():
        try:
            with transaction.atomic():
                ControlledCriterion.objects.select_for_update().get(pk=criterion.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_agent)
    thread.start()
    assert locked.wait(10)
    try:
        with pytest.raises(services.ReviewConflict) as conflict:
            services.review_criterion(
                criterion.pk, "accept", institution=campaign.institution, user=inspector, expected_state="pending"
            )
        assert conflict.value.message == services.CONCURRENT_REVIEW_MESSAGE
    finally:
        release.set()
        thread.join(10)
    services.review_criterion(
        criterion.pk, "accept", institution=campaign.institution, user=inspector, expected_state="pending"
    )
    criterion.refresh_from_db()
    assert criterion.review_state == CriterionState.ACCEPTED
