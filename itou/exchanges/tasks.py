from procrastinate.contrib.django import app

from itou.exchanges import services


@app.periodic(cron="*/10 * * * *")
@app.task(name="exchanges_notify_pending", queue="maintenance", queueing_lock="exchanges_notify_pending")
def exchanges_notify_pending(timestamp: int) -> None:
    """Every 10 minutes: the grouped emails of new messages (at most one per thread per hour per person)."""
    services.notify_pending()
