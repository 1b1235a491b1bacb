"""Polling news sources: a sweep (run every minute by `manage.py serve`) hands each due source to
its own task, so one slow site holds up nobody else."""

from django.tasks import task

from ruche.sources import services
from ruche.worker.backend import coalesce


@task()
def source_poll(source_id: int) -> int:
    return services.source_poll(source_id)


@coalesce
@task()
def sources_poll_due() -> int:
    due = services.sources_due()
    for source_id in due:
        source_poll.enqueue(source_id=source_id)
    return len(due)
