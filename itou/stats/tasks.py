from procrastinate.contrib.django import app

from itou.stats import refresh


@app.periodic(cron="* * * * *")
@app.task(name="stats_refresh", queue="maintenance", queueing_lock="stats_refresh")
def stats_refresh(timestamp: int) -> None:
    """Every minute: recompute the aggregates of the days the change log names
    (docs/statistiques.md, « Fraîcheur »). Usually today only: a few milliseconds."""
    refresh.refresh_pending()
