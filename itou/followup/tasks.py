from procrastinate.contrib.django import app

from itou.followup import services


@app.periodic(cron="30 6 * * *")
@app.task(name="followup_end_inactive", queue="maintenance", queueing_lock="followup_end_inactive")
def followup_end_inactive(timestamp: int) -> None:
    """Every day: memberships without activity for 12 months end, with a notice."""
    services.end_inactive()
