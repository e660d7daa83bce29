import datetime

from procrastinate.contrib.django import app

from itou.marketplace.services import digests_send


@app.periodic(cron="30 6 * * *")
@app.task(name="marketplace_daily_digest", queue="maintenance", queueing_lock="marketplace_daily_digest")
def marketplace_daily_digest(timestamp: int) -> None:
    """Every day at 6:30 (UTC): the needs of the day before, in one email per employer
    that chose the daily digest (docs/marche.md)."""
    digests_send(now=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
