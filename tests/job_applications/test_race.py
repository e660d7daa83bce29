"""Two people acting at the same instant, on the real database (committed data, threads)."""

import threading

import pytest
from django.db import connection

from itou.approvals.models import Approval
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog
from itou.job_applications.workflow import TransitionNotAllowed
from tests.job_applications.factories import JobApplicationFactory, days_from_today, employer_of
from tests.users.factories import JobSeekerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_parallel(*calls):
    """Start every call at the same instant, each in its own thread (own connection);
    return what each returned, or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 (reported to the test)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


def test_two_employers_hire_the_same_job_seeker_at_once():
    job_seeker = JobSeekerFactory()
    first, second = JobApplicationFactory(job_seeker=job_seeker), JobApplicationFactory(job_seeker=job_seeker)
    employers = {first.pk: employer_of(first), second.pk: employer_of(second)}

    def accept(job_application):
        # Both pages showed the application as new.
        return lambda: services.job_application_accept(
            acting_user=employers[job_application.pk],
            job_application=job_application,
            hiring_start_at=days_from_today(1),
            expected_state=S.NEW,
        )

    results = run_in_parallel(accept(first), accept(second))

    winners = [result for result in results if isinstance(result, JobApplication)]
    losers = [result for result in results if isinstance(result, Exception)]
    assert len(winners) == 1, results
    assert len(losers) == 1 and isinstance(losers[0], TransitionNotAllowed), results
    winner = winners[0]
    loser = JobApplication.objects.get(pk=(second if winner.pk == first.pk else first).pk)
    assert JobApplication.objects.get(pk=winner.pk).state == S.ACCEPTED
    # The loser's page was stale: its application had become "embauché ailleurs".
    assert loser.state == S.OBSOLETE
    assert list(loser.logs.values_list("transition", flat=True)) == ["render_obsolete"]
    assert JobApplicationTransitionLog.objects.filter(transition="accept").count() == 1
    # The real PASS IAE issuance ran inside the winner's transaction: one PASS, its hire.
    approval = Approval.objects.get(job_seeker=job_seeker)
    assert [hire.job_application_id for hire in approval.hires.all()] == [winner.pk]


def test_two_employers_without_a_page_state_are_served_one_after_the_other():
    """Without `expected_state` (no page behind the call), the table allows hiring an
    "embauché ailleurs" application: both hires succeed, one after the other, no deadlock."""
    job_seeker = JobSeekerFactory()
    first, second = JobApplicationFactory(job_seeker=job_seeker), JobApplicationFactory(job_seeker=job_seeker)
    employers = {first.pk: employer_of(first), second.pk: employer_of(second)}

    def accept(job_application):
        return lambda: services.job_application_accept(
            acting_user=employers[job_application.pk],
            job_application=job_application,
            hiring_start_at=days_from_today(1),
        )

    results = run_in_parallel(accept(first), accept(second))

    assert all(isinstance(result, JobApplication) for result in results), results
    assert set(JobApplication.objects.values_list("state", flat=True)) == {S.ACCEPTED}
    transitions = sorted(tuple(ja.logs.values_list("transition", flat=True)) for ja in JobApplication.objects.all())
    # The second one served was first made obsolete by the other hire, then hired.
    assert transitions == [("accept",), ("render_obsolete", "accept")]
    # The second hire reused the PASS the first one issued (real issuance, no stub).
    approval = Approval.objects.get(job_seeker=job_seeker)
    assert approval.hires.count() == 2


def test_double_click_on_accept():
    job_application = JobApplicationFactory()
    employer = employer_of(job_application)

    def accept():
        return services.job_application_accept(
            acting_user=employer,
            job_application=job_application,
            hiring_start_at=days_from_today(0),
            expected_state=S.NEW,
        )

    results = run_in_parallel(accept, accept)

    assert sorted(type(result).__name__ for result in results) == ["JobApplication", "TransitionNotAllowed"]
    assert JobApplicationTransitionLog.objects.filter(transition="accept").count() == 1
