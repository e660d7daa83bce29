import datetime

from procrastinate.contrib.django import app

from itou.companies.job_descriptions import job_descriptions_close_stale, job_descriptions_repair_company_copy


@app.periodic(cron="0 4 * * *")
@app.task(name="close_stale_job_descriptions", queue="maintenance", queueing_lock="close_stale_job_descriptions")
def close_stale_job_descriptions(timestamp: int) -> None:
    """Every day at 4:00 (UTC): close the job descriptions and spontaneous applications
    nobody confirmed for 90 days, and email each company what was closed; then check the
    employer's columns copied on the job descriptions.

    `timestamp` is the scheduled time procrastinate passes to periodic tasks: a run
    delayed by a stopped worker still uses the time it was planned for.
    """
    job_descriptions_close_stale(now=datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC))
    # The consistency check of the employer's columns copied on job descriptions (kept by
    # triggers): repaired and logged if ever wrong.
    job_descriptions_repair_company_copy()
