"""The demo's diagnoses let the demo hires in SIAE go through."""

from itou.demo.world import load_demo
from itou.eligibility.demo import load_demo_eligibility_diagnoses
from itou.eligibility.models import EligibilityDiagnosis
from itou.job_applications.models import JobApplication
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)
from tests.eligibility.factories import criteria


def test_demo_diagnoses_before_the_demo_applications(demo_communes):  # noqa: F811
    criteria()
    # load_demo makes the diagnoses first, then the applications (docs/eligibilite.md).
    summary = load_demo()
    assert summary.tally("diagnostics d'éligibilité").created == 6
    assert summary.tally("candidatures").created == 27
    # + the diagnoses of the 3 past hires under control (itou/control/demo.py).
    assert EligibilityDiagnosis.objects.count() == 6 + 3
    hired = JobApplication.objects.filter(eligibility_diagnosis__isnull=False)
    assert hired.exists()
    # A second run creates nothing.
    assert load_demo_eligibility_diagnoses() == 0


def test_nothing_without_the_demo_world():
    criteria()
    assert load_demo_eligibility_diagnoses() == 0
