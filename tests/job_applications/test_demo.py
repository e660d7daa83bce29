"""The demo's applications: every state from every sender kind, through the services."""

import itertools

from itou.control.demo import EMPLOYEES as CONTROL_EMPLOYEES
from itou.demo.world import DEMO_EMAIL_DOMAIN, load_demo
from itou.job_applications.demo import load_demo_job_applications
from itou.job_applications.enums import JobApplicationState, SenderKind
from itou.job_applications.models import JobApplication
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)


def test_every_state_from_every_sender_kind(demo_communes):  # noqa: F811
    # load_demo creates them (through load_demo_job_applications).
    summary = load_demo()
    assert summary.tally("candidatures").created == 27
    pairs = set(JobApplication.objects.values_list("state", "sender_kind"))
    assert pairs == set(itertools.product(JobApplicationState.values, SenderKind.values))
    # Every application went through the services: its creation and each step are logged
    # (but the past hires of the control campaign, recorded as history: itou/control/demo.py).
    control_people = [f"{spec[0]}@{DEMO_EMAIL_DOMAIN}" for spec in CONTROL_EMPLOYEES]
    for job_application in JobApplication.objects.exclude(job_seeker__email__in=control_people).prefetch_related(
        "logs"
    ):
        transitions = [log.transition for log in job_application.logs.all()]
        assert transitions[0] == "create"
        assert (job_application.state == JobApplicationState.NEW) == (transitions == ["create"])
    # A second run changes nothing.
    assert load_demo_job_applications() == 0
    # 27 + the 5 past hires behind the demo PASS IAE (itou/approvals/demo.py)
    # + the application of the demo duplicate job seeker (itou/backoffice/demo.py)
    # + the 3 past hires under control (itou/control/demo.py).
    assert JobApplication.objects.count() == 27 + 5 + 1 + 3


def test_nothing_without_the_demo_world():
    assert load_demo_job_applications() == 0
