from procrastinate.contrib.django import app


@app.periodic(cron="*/10 * * * *")
@app.task(name="retry_stalled_jobs", queue="maintenance", queueing_lock="retry_stalled_jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp):
    """Put back in the queue the jobs of a worker that died (no heartbeat) mid-job."""
    for job in await context.app.job_manager.get_stalled_jobs():
        await context.app.job_manager.retry_job(job)
