"""Keeping the daily facts current: today and yesterday recomputed, old facts swept."""

from django.tasks import task

from ruche.analytics import services
from ruche.worker.backend import coalesce


@coalesce
@task()
def analytics_refresh() -> None:
    services.facts_refresh()
