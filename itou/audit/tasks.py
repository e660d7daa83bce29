"""The daily retention job (queue "maintenance"); see itou/audit/retention.py."""

from procrastinate.contrib.django import app

from itou.audit.retention import retention_run


@app.periodic(cron="20 3 * * *")
@app.task(name="personal_data_retention", queue="maintenance", queueing_lock="personal_data_retention")
def personal_data_retention_task(timestamp: int) -> None:
    retention_run(dry_run=False)
