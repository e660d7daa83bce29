"""Periodic cleanup of the journey "postuler" (discovered by procrastinate in every app's tasks.py)."""

from django.conf import settings
from django.utils import timezone
from procrastinate.contrib.django import app

from itou.job_applications.apply import resume_drafts_cleanup


@app.periodic(cron="17 3 * * *")
@app.task(name="apply_resume_drafts_cleanup", queue="maintenance", queueing_lock="apply_resume_drafts_cleanup")
def apply_resume_drafts_cleanup(timestamp: int) -> None:
    """Delete the draft CVs of journeys abandoned for longer than a session lives (they can no longer be resumed)."""
    resume_drafts_cleanup(older_than=timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE))
