import datetime

from django.test import override_settings

from itou.control import draw
from itou.control.enums import CampaignPhase
from itou.control.models import ControlledHire, ControlledSiae, ControlLog
from itou.control.queries import in_scope_hires
from itou.eligibility.enums import AuthorKind
from tests.companies.factories import CompanyFactory
from tests.control.factories import PERIOD_END, PERIOD_START, campaign_for, self_prescribed_hire
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.institutions.factories import DepartmentFactory, InstitutionFactory, RegionFactory


def test_sample_sizes():
    assert draw.siae_sample_size(0, 30) == 0
    assert draw.siae_sample_size(1, 20) == 1  # at least one
    assert draw.siae_sample_size(10, 30) == 3
    assert draw.siae_sample_size(10, 25) == 2  # round half to even (2.5 → 2)
    assert draw.hire_sample_size(2) == 2
    assert draw.hire_sample_size(14) == 2  # 20 % = 2.8 → 2
    assert draw.hire_sample_size(50) == 10
    assert draw.hire_sample_size(500) == 20  # at most 20


def test_draw_sample_is_reproducible_and_follows_the_rules():
    data = {c: [(datetime.date(2025, 1, 1 + i % 28), f"{c}-{i}") for i in range(c % 7)] for c in range(1, 60)}
    eligible, first = draw.draw_sample(1234, 30, data)
    assert eligible == sum(1 for c in data if len(data[c]) >= 2)
    assert len(first) == round(eligible * 0.3)
    assert all(len(v) == 2 for v in first.values())  # fewer than 7 hires each: 2 drawn
    assert draw.draw_sample(1234, 30, data) == (eligible, first)
    assert draw.draw_sample(4321, 30, data)[1] != first


def test_in_scope_hires_excludes_what_the_rules_exclude():
    company = CompanyFactory(with_member=True, post_code="69007")
    kept = self_prescribed_hire(company)
    # Diagnosis by a prescriber: not a self-prescription.
    other = self_prescribed_hire(company)
    prescriber_diagnosis = IAEDiagnosisFactory(job_seeker=other.job_seeker)
    other.eligibility_diagnosis = prescriber_diagnosis
    other.save()
    # Hire outside the period.
    self_prescribed_hire(company, start=datetime.date(2026, 1, 2))
    # Diagnosis by another SIAE.
    third = self_prescribed_hire(company)
    third.eligibility_diagnosis = IAEDiagnosisFactory(
        author_kind=AuthorKind.EMPLOYER, author_company=CompanyFactory(with_member=True), job_seeker=third.job_seeker
    )
    third.save()
    # PASS not created by this hire (started before).
    fourth = self_prescribed_hire(company)
    fourth.approval_hire.approval.start_at = datetime.date(2024, 12, 1)
    fourth.approval_hire.approval.save()
    # EITI is not controlled.
    self_prescribed_hire(CompanyFactory(with_member=True, kind="EITI"))
    assert list(in_scope_hires(PERIOD_START, PERIOD_END)) == [kept]
    with override_settings(APPROVAL_NUMBER_PREFIX="XXXXX"):
        assert not in_scope_hires(PERIOD_START, PERIOD_END).exists()


def test_draw_campaign_selects_department_siae_and_hires_once():
    rhone = InstitutionFactory(with_member=True)
    nord = InstitutionFactory(
        with_member=True,
        department=DepartmentFactory(code="59", name="Nord", region=RegionFactory(code="32", name="Hauts-de-France")),
    )
    in_rhone = CompanyFactory(with_member=True, post_code="69007")
    for _ in range(3):
        self_prescribed_hire(in_rhone)
    lonely = CompanyFactory(with_member=True, post_code="69001")
    self_prescribed_hire(lonely)  # one hire only: not eligible
    in_nord = CompanyFactory(with_member=True, post_code="59000")
    for _ in range(2):
        self_prescribed_hire(in_nord)
    campaign = campaign_for(rhone, ratio=20)
    campaign_for(nord)
    result = draw.draw_period(PERIOD_START, PERIOD_END)
    assert result["drawn"] == 2
    campaign.refresh_from_db()
    assert campaign.phase == CampaignPhase.AMICABLE
    assert campaign.seed is not None and campaign.eligible_siae_count == 1
    siae = ControlledSiae.objects.get(campaign=campaign)
    assert siae.company == in_rhone and siae.hire_count == 2
    assert ControlledHire.objects.filter(controlled_siae=siae).count() == 2
    nord_campaign = nord.campaigns.get()
    assert nord_campaign.ratio == 30  # default when the DDETS did not choose
    assert nord_campaign.siaes.get().company == in_nord
    progress = ControlLog.objects.filter(object_kind="draw", transition="progress").order_by("pk")
    assert [entry.details["done"] for entry in progress] == [1, 2]
    # Twice: nothing more.
    assert draw.draw_campaign(campaign.pk) is False
    assert draw.draw_period(PERIOD_START, PERIOD_END)["drawn"] == 0
    assert ControlledSiae.objects.count() == 2 and ControlledHire.objects.count() == 4
