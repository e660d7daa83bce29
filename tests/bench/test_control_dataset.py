"""The control step of the France-scale dataset: hires in scope, one campaign per DDETS,
and the national draw runs on them."""

from collections import Counter

from itou.control.draw import draw_period
from itou.control.models import Campaign, ControlledCriterion, ControlledHire, ControlledSiae
from itou.control.queries import in_scope_hires
from itou.eligibility.models import CertifiedCriterion
from itou.institutions.models import Institution
from tests.bench.conftest import generate
from tests.eligibility.factories import criteria


def test_control_step_gives_a_drawable_country(demo_world):
    campaigns = list(Campaign.objects.all())
    assert len(campaigns) == Institution.objects.filter(kind="DDETS_IAE").count() > 0
    campaign = campaigns[0]
    assert in_scope_hires(campaign.period_start, campaign.period_end).exists()
    result = draw_period(campaign.period_start, campaign.period_end)
    assert result["drawn"] == len(campaigns)
    per_company = Counter(
        in_scope_hires(campaign.period_start, campaign.period_end).values_list("to_company_id", flat=True)
    )
    eligible = sum(1 for n in per_company.values() if n >= 2)
    assert sum(c.eligible_siae_count for c in Campaign.objects.all()) == eligible
    assert ControlledSiae.objects.count() >= min(eligible, 1)
    assert ControlledHire.objects.count() >= 2 * ControlledSiae.objects.count()
    assert draw_period(campaign.period_start, campaign.period_end)["drawn"] == 0


def test_certified_criteria_step(reference_data):
    criteria()  # the criteria referential (import_criteria, as generate_dataset runs it)
    generate()
    # One self-prescription in three has its RSA certified: the draw keeps them without proof.
    assert CertifiedCriterion.objects.exists()
    campaign = Campaign.objects.first()
    draw_period(campaign.period_start, campaign.period_end)
    drawn_certified = ControlledHire.objects.filter(
        job_application__eligibility_diagnosis__certifications__isnull=False
    ).count()
    assert ControlledCriterion.objects.filter(certified=True, review_state="accepted").count() == drawn_certified


def test_control_and_report_pages_are_measured(demo_world):
    from bench import run

    pages = run.control_pages()
    names = [page.name for page in pages]
    assert "Rapport d'activité annuel (page)" in names
    assert "tirage national" in " ".join(page.note for page in pages) or not any("DDETS" in name for name in names)
    for page in pages:
        result = run.measure(page, requests=2, warmup=1)
        assert not result.error, (page.name, result.error)
        assert result.queries > 0
