"""The draw of a campaign (CONTROL.md §3), reproducible from its recorded seed.

Algorithm, as explained on the DDETS page:
1. the eligible SIAE (≥ 2 self-prescribed hires in the period) are sorted by identifier;
2. a pseudo-random generator (Python's `random.Random`, Mersenne Twister) is seeded with
   the campaign's seed; it draws round(eligible × ratio / 100) SIAE (at least 1);
3. for each drawn SIAE, in identifier order, it draws 20 % of its hires (integer part,
   at least 2, at most 20) among them sorted by (hiring start, identifier).
The same seed and the same data give the same sample: anyone can check it again.

A campaign is drawn once: the row is locked and `drawn_at` checked, and unique constraints
forbid a second ControlledSiae/ControlledHire for the same pair.
"""

import logging
import random
import secrets
import time
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from itou.companies.models import Company
from itou.control import notifications, workflow
from itou.control.enums import (
    HIRES_MAX,
    HIRES_MIN,
    HIRES_RATIO,
    MIN_HIRES_FOR_ELIGIBILITY,
    RATIO_DEFAULT,
    CampaignPhase,
    CriterionState,
    SiaeState,
)
from itou.control.models import Campaign, ControlledCriterion, ControlledHire, ControlledSiae, ControlLog
from itou.control.queries import company_department_expression, in_scope_hires
from itou.control.services import log
from itou.eligibility.models import CertifiedCriterion
from itou.eligibility.rules import validate_criteria
from itou.job_applications.models import JobApplication

logger = logging.getLogger(__name__)


def siae_sample_size(eligible: int, ratio: int) -> int:
    if not eligible:
        return 0
    return min(eligible, max(1, round(eligible * ratio / 100)))


def hire_sample_size(hires: int) -> int:
    return min(hires, max(HIRES_MIN, min(HIRES_MAX, hires * HIRES_RATIO // 100)))


def draw_sample(seed: int, ratio: int, hires_by_company: dict) -> tuple[int, dict]:
    """(number of eligible SIAE, {company_id: [job_application_id, …]}) — pure, reproducible."""
    rng = random.Random(seed)
    eligible = sorted(c for c, hires in hires_by_company.items() if len(hires) >= MIN_HIRES_FOR_ELIGIBILITY)
    chosen = sorted(rng.sample(eligible, siae_sample_size(len(eligible), ratio)))
    result = {}
    for company_id in chosen:
        hires = sorted(hires_by_company[company_id])
        picked = rng.sample(hires, hire_sample_size(len(hires)))
        result[company_id] = [job_application_id for _start, job_application_id in sorted(picked)]
    return len(eligible), result


def hires_by_department(period_start, period_end, department_codes=None) -> dict:
    """{department: {company_id: [(hiring_start, job_application_id as str)]}} in one query."""
    rows = in_scope_hires(period_start, period_end).annotate(department=company_department_expression())
    if department_codes is not None:
        rows = rows.filter(department__in=department_codes)
    result = defaultdict(lambda: defaultdict(list))
    for department, company_id, start, pk in rows.values_list("department", "to_company_id", "hiring_start_at", "pk"):
        result[department][company_id].append((start, str(pk)))
    return result


def certified_criteria(job_application_ids) -> dict:
    """{job_application_id as str: [AdministrativeCriteria certified at its hiring date]}
    (CONTROL.md §3: certified by a State data source, no proof asked). Two queries."""
    hires = {
        str(pk): (diagnosis_id, start)
        for pk, diagnosis_id, start in JobApplication.objects.filter(pk__in=job_application_ids).values_list(
            "pk", "eligibility_diagnosis_id", "hiring_start_at"
        )
    }
    by_diagnosis = defaultdict(list)
    certifications = CertifiedCriterion.objects.filter(
        diagnosis_id__in={d for d, _start in hires.values() if d}
    ).select_related("administrative_criteria")
    for certification in certifications:
        by_diagnosis[certification.diagnosis_id].append(certification)
    return {
        pk: [c.administrative_criteria for c in by_diagnosis.get(diagnosis_id, []) if start and c.covers(start)]
        for pk, (diagnosis_id, start) in hires.items()
    }


def _populate_certified(siaes, drawn, now) -> list:
    """Create the certified criteria (accepted, no proof) of the drawn hires; mark the hires
    they fully justify; accept at once the SIAE whose every hire is so justified. Returns
    the auto-accepted SIAE."""
    certified = certified_criteria([pk for pks in drawn.values() for pk in pks])
    hires, criteria, accepted = [], [], []
    for siae in siaes:
        siae_hires = []
        for pk in drawn[siae.company_id]:
            found = certified.get(pk, [])
            enough = bool(found) and not validate_criteria(
                author_kind="employer", company_kind=siae.company.kind, criteria=found
            )
            hire = ControlledHire(controlled_siae=siae, job_application_id=pk, fully_certified=enough)
            siae_hires.append(hire)
            criteria += [(hire, criterion) for criterion in found]
        hires += siae_hires
        if siae_hires and all(h.fully_certified for h in siae_hires):
            siae.reviewed_at = siae.final_reviewed_at = now
            accepted.append(siae)
    ControlledHire.objects.bulk_create(hires)
    ControlledCriterion.objects.bulk_create(
        [
            ControlledCriterion(
                hire=hire,
                administrative_criteria=criterion,
                certified=True,
                review_state=CriterionState.ACCEPTED,
                reviewed_at=now,
            )
            for hire, criterion in criteria
        ]
    )
    if accepted:
        ControlledSiae.objects.filter(pk__in=[s.pk for s in accepted]).update(reviewed_at=now, final_reviewed_at=now)
    return accepted


def draw_campaign(campaign_id: int, hires_by_company: dict | None = None, *, user=None) -> bool:
    """Draw one campaign; False when it was already drawn (nothing changes)."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().select_related("institution").get(pk=campaign_id)
        if campaign.drawn_at or campaign.phase != CampaignPhase.SAMPLING:
            log(campaign.pk, "draw", campaign.pk, "draw_skipped", user=user, reason="déjà tiré")
            return False
        transition = workflow.CAMPAIGN.check("draw", campaign)
        if hires_by_company is None:
            code = campaign.institution.department_id
            hires_by_company = hires_by_department(campaign.period_start, campaign.period_end, [code]).get(code, {})
        now = timezone.now()
        if campaign.seed is None:
            campaign.seed = secrets.randbits(48)
        if campaign.ratio is None:
            campaign.ratio, campaign.ratio_set_at = RATIO_DEFAULT, now
        eligible, drawn = draw_sample(campaign.seed, campaign.ratio, hires_by_company)
        siaes = ControlledSiae.objects.bulk_create(
            [ControlledSiae(campaign=campaign, company_id=c, hire_count=len(hires)) for c, hires in drawn.items()]
        )
        companies = Company.objects.in_bulk([s.company_id for s in siaes])
        for siae in siaes:
            siae.company = companies[siae.company_id]
        auto_accepted = _populate_certified(siaes, drawn, now)
        campaign.phase = transition.target
        campaign.drawn_at = now
        campaign.eligible_siae_count = eligible
        campaign.save(update_fields=["seed", "ratio", "ratio_set_at", "phase", "drawn_at", "eligible_siae_count"])
        log(
            campaign.pk,
            "campaign",
            campaign.pk,
            "draw",
            CampaignPhase.SAMPLING,
            campaign.phase,
            user=user,
            seed=campaign.seed,
            ratio=campaign.ratio,
            eligible=eligible,
            drawn=len(siaes),
            hires=sum(len(v) for v in drawn.values()),
            auto_accepted=len(auto_accepted),
        )
        for siae in siaes:
            siae.campaign = campaign
        ControlLog.objects.bulk_create(
            [
                ControlLog(
                    campaign=campaign,
                    object_kind="siae",
                    object_id=siae.pk,
                    transition="auto_accept",
                    to_state=SiaeState.ACCEPTED,
                    user=user if user and user.is_authenticated else None,
                )
                for siae in auto_accepted
            ]
        )
        # The emails of the draw, queued in one go (one job each) once it commits.
        transaction.on_commit(lambda: notifications.drawn(campaign, siaes, auto_accepted))
    return True


def draw_period(period_start, period_end, *, user=None) -> dict:
    """The national draw: every campaign of the period still to draw, one transaction
    each (a failure leaves the others drawn; running it again draws only the rest).
    The in-scope hires of the whole country are read once."""
    started = time.monotonic()
    campaigns = list(
        Campaign.objects.filter(period_start=period_start, period_end=period_end, drawn_at__isnull=True)
        .select_related("institution")
        .order_by("institution__department_id", "pk")
    )
    if not campaigns:
        return {"drawn": 0, "skipped": 0, "seconds": 0.0}
    data = hires_by_department(period_start, period_end)
    drawn = skipped = 0
    for index, campaign in enumerate(campaigns, start=1):
        code = campaign.institution.department_id
        if draw_campaign(campaign.pk, data.get(code, {}), user=user):
            drawn += 1
        else:
            skipped += 1
        log(
            campaign.pk,
            "draw",
            campaign.pk,
            "progress",
            user=user,
            done=index,
            total=len(campaigns),
            seconds=round(time.monotonic() - started, 2),
        )
        logger.info("Tirage %s/%s : %s", index, len(campaigns), campaign)
    return {"drawn": drawn, "skipped": skipped, "seconds": round(time.monotonic() - started, 2)}
