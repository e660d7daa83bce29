"""The demo's diagnoses let the demo hires in SIAE go through."""

import itou.demo.world
from itou.eligibility.demo import load_demo_eligibility_diagnoses
from itou.eligibility.models import EligibilityDiagnosis
from itou.job_applications.demo import load_demo_job_applications
from itou.job_applications.models import JobApplication
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)
from tests.eligibility.factories import criteria


def test_demo_diagnoses_before_the_demo_applications(demo_communes, monkeypatch):  # noqa: F811
    criteria()

    def diagnoses_then_applications():
        load_demo_eligibility_diagnoses()
        return load_demo_job_applications()

    # What itou.demo.world.load_demo should do once integrated (docs/eligibilite.md).
    monkeypatch.setattr(itou.demo.world, "load_demo_job_applications", diagnoses_then_applications)
    summary = itou.demo.world.load_demo()
    assert summary.tally("candidatures").created == 27
    assert EligibilityDiagnosis.objects.count() == 6
    hired = JobApplication.objects.filter(eligibility_diagnosis__isnull=False)
    assert hired.exists()
    # A second run creates nothing.
    assert load_demo_eligibility_diagnoses() == 0


def test_nothing_without_the_demo_world():
    criteria()
    assert load_demo_eligibility_diagnoses() == 0
