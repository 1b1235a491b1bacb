"""A small periodic scheduler: `manage.py serve` (and `manage.py run_scheduler` on a server) calls
`tick()` every few seconds. It only enqueues tasks; the task worker does the work.

- every minute (settings.EMAIL_SWEEP_SECONDS): send the e-mails that are due (the outbox), in case
  no deferred task is pending;
- once a day from settings.DIGEST_HOUR (local time): build and send the daily digests, and the
  weekly ones from settings.DIGEST_WEEKDAY (when settings.DIGESTS_SCHEDULED: a mail server is set). A digest run is idempotent per period, so a restart that
  enqueues it again, or two schedulers, never send twice.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self):
        self.last_sweep: datetime | None = None
        self.enqueued: set[str] = set()  # digest period keys enqueued by this process

    def tick(self, now: datetime | None = None) -> list[str]:
        """Enqueue what is due; returns what was enqueued (for logs and tests). Never raises."""
        from ruche.notifications.digest import frequencies_due, period
        from ruche.notifications.tasks import digests_send, emails_send_due
        from ruche.worker.runner import drop_broken_connection

        now = now or timezone.now()
        done = []
        try:
            # A long-lived process has no requests to recycle its connection: one lost with the
            # database (a restart, a failover) is dropped here, else every later tick would fail.
            drop_broken_connection()
            sweep_every = timedelta(seconds=settings.EMAIL_SWEEP_SECONDS)
            if self.last_sweep is None or now - self.last_sweep >= sweep_every:
                emails_send_due.enqueue()
                self.last_sweep = now
                done.append("emails")
            if settings.DIGESTS_SCHEDULED and timezone.localtime(now).hour >= settings.DIGEST_HOUR:
                for frequency in frequencies_due(now):
                    key, _since = period(frequency, now)
                    if key not in self.enqueued:
                        digests_send.enqueue(frequency=frequency)
                        self.enqueued.add(key)
                        done.append(key)
        except Exception:  # the web server must not stop because the queue is briefly unavailable
            log.exception("scheduler tick failed")
        return done
