import datetime

import time_machine

from itou.activity.models import ActivityReport, ContractEnd
from itou.control.demo import EMPLOYEES, demo_period, load_demo_control
from itou.control.enums import CampaignPhase
from itou.control.models import Campaign, ControlledSiae
from itou.demo.world import load_demo
from tests.demo.conftest import demo_communes  # noqa: F401 (fixture)


@time_machine.travel(datetime.datetime(2026, 12, 6, 10, tzinfo=datetime.UTC), tick=False)
def test_demo_has_a_campaign_in_progress_a_contract_end_and_a_report(demo_communes):  # noqa: F811
    load_demo()
    start, end = demo_period()
    assert (start, end) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    campaign = Campaign.objects.get(institution__name="DDETS du Rhône", period_start=start)
    assert campaign.phase == CampaignPhase.AMICABLE and campaign.seed
    siae = ControlledSiae.objects.get(campaign=campaign, company__kind="ACI")
    assert siae.hires.exists()
    assert siae.company.brand == "Les Jardins du Rhône"
    assert siae.hires.count() == 2  # 3 hires: 20 % → at least 2
    assert ContractEnd.objects.get().exit_category == "DURABLE"
    report = ActivityReport.objects.get(company=siae.company, year=2025)
    assert report.submitted_at and report.submitted_figures["effectifs.Embauches dans l'année"] == len(EMPLOYEES)
    # Again: nothing new.
    assert load_demo_control() == 0
    load_demo()
    assert Campaign.objects.count() == 2 and ControlledSiae.objects.count() == 2
    archived = Campaign.objects.get(phase=CampaignPhase.ARCHIVED)
    assert archived.period_start == datetime.date(2024, 1, 1) and not archived.siaes.get().hires.exists()
