"""Keeping the daily facts current: today and yesterday recomputed, old facts swept; the weekly
summary e-mail."""

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from ruche.analytics import services, summary
from ruche.worker.backend import coalesce


@coalesce
@task()
def analytics_refresh() -> None:
    services.facts_refresh()


@coalesce
@task()
def analytics_summaries_send() -> None:
    services.summaries_send()


def summaries_enqueue_when_due() -> None:
    """The periodic job's tick (apps.py): only when e-mails go out (a mail server is set, as for
    the digests) and the week's summaries are due."""
    if settings.DIGESTS_SCHEDULED and summary.is_due(timezone.now()):
        analytics_summaries_send.enqueue()
