"""Jobs of the control: the national draw (staff click, progress in ControlLog) and the
daily reminders at 12:00 UTC (CONTROL.md §8)."""

import datetime

from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from itou.control import notifications, workflow
from itou.control.enums import (
    ARCHIVE_AFTER_DAYS,
    DDETS_REMINDER_EVERY_DAYS,
    REMINDER_AFTER_DAYS,
    CampaignPhase,
    SiaeState,
)
from itou.control.models import Campaign, ControlledSiae


@app.task(name="control_draw_period", queue="maintenance", queueing_lock="control_draw_period")
def draw_period_task(period_start: str, period_end: str, user_id: int | None = None) -> None:
    from itou.control.draw import draw_period
    from itou.users.models import User

    user = User.objects.filter(pk=user_id).first() if user_id else None
    draw_period(datetime.date.fromisoformat(period_start), datetime.date.fromisoformat(period_end), user=user)


def send_reminders(*, now=None) -> dict:
    """SIAE reminders (1st: ≥ 30 days after the draw, nothing sent; 2nd: ≥ 30 days after
    the adversarial start, nothing new since the review) and the weekly DDETS reminder
    while submissions are frozen and some SIAE remain to review."""
    from itou.control.queries import with_states

    now = now or timezone.now()
    after = datetime.timedelta(days=REMINDER_AFTER_DAYS)
    counts = {"siae": 0, "ddets": 0}
    with transaction.atomic():
        siaes = with_states(
            ControlledSiae.objects.select_for_update(of=("self",), skip_locked=True).filter(
                campaign__phase__in=[CampaignPhase.AMICABLE, CampaignPhase.ADVERSARIAL], final_reviewed_at__isnull=True
            )
        )
        for siae in siaes:
            campaign = siae.campaign
            if campaign.phase == CampaignPhase.AMICABLE:
                due = (
                    now >= campaign.drawn_at + after
                    and siae.submitted_at is None
                    and siae.reviewed_at is None
                    and siae.reminder_sent_at is None
                )
            else:
                due = (
                    now >= campaign.adversarial_at + after
                    and siae.reviewed_at is not None
                    and not (siae.submitted_at and siae.submitted_at > siae.reviewed_at)
                    and not (siae.reminder_sent_at and siae.reminder_sent_at > siae.reviewed_at)
                    and workflow.siae_state(siae) == SiaeState.ADVERSARIAL_STAGE
                    and workflow.siae_computed_state(siae) == SiaeState.REFUSED
                )
            if due:
                siae.reminder_sent_at = now
                siae.save(update_fields=["reminder_sent_at"])
                transaction.on_commit(lambda s=siae: notifications.siae_reminder(s))
                counts["siae"] += 1
        campaigns = Campaign.objects.select_for_update(skip_locked=True).filter(
            phase=CampaignPhase.AMICABLE_FROZEN,
            last_ddets_reminder_at__lte=now - datetime.timedelta(days=DDETS_REMINDER_EVERY_DAYS),
        )
        for campaign in campaigns:
            to_review = with_states(ControlledSiae.objects.filter(campaign=campaign))
            if any(workflow.siae_state(s) == SiaeState.SUBMITTED for s in to_review):
                campaign.last_ddets_reminder_at = now
                campaign.save(update_fields=["last_ddets_reminder_at"])
                transaction.on_commit(lambda c=campaign: notifications.ddets_review_before_close(c, reminder=True))
                counts["ddets"] += 1
    return counts


def archive_closed_campaigns(*, now=None) -> int:
    """The campaigns closed ≥ 60 days ago are archived (CONTROL.md §8, daily at 07:00 UTC)."""
    from itou.control.services import archive

    now = now or timezone.now()
    due = Campaign.objects.filter(
        phase=CampaignPhase.CLOSED, closed_at__lte=now - datetime.timedelta(days=ARCHIVE_AFTER_DAYS)
    )
    return sum(1 for campaign in due.order_by("pk") if archive(campaign, now=now) is not None)


@app.periodic(cron="0 7 * * *")
@app.task(name="control_archive", queue="maintenance", queueing_lock="control_archive")
def archive_task(timestamp: int) -> None:
    archive_closed_campaigns()


@app.periodic(cron="0 12 * * *")
@app.task(name="control_notify", queue="maintenance", queueing_lock="control_notify")
def send_reminders_task(timestamp: int) -> None:
    send_reminders()
