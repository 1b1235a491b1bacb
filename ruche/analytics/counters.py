"""What leaves no row in the database (visits, pages viewed, searches), counted in each web
process's memory and added to the daily facts in batches: an ordinary request writes nothing.

The middleware (and the search event's reaction) call `tally.page(...)` / `tally.search(...)`; when
RUCHE_ANALYTICS_FLUSH_PAGES pages were counted or RUCHE_ANALYTICS_FLUSH_SECONDS have passed, the
request that notices it writes everything in one upsert per table (`services.live_counts_add`).
What a process holds when it stops is written at exit (atexit: a clean stop, not a kill); a failed
write keeps the counts for the next one."""

import datetime
import logging
import threading
import time

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import timezone

log = logging.getLogger(__name__)


class Tally:
    """Counts of one process since its last flush. Web pages run in threads: a lock guards them.
    Every page passes here: the thresholds and the day are kept at hand rather than looked up
    (settings, time zones) each time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._day, self._day_ends = None, 0.0
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self.people: dict[
                tuple[int, datetime.date], list[int]
            ] = {}  # (user, day) -> [visits, pages, searches]
            self.queries: dict[tuple[datetime.date, str], list[int]] = {}  # (day, query) -> [searches, empty]
            self._restart()

    def _restart(self) -> None:
        self.pages = 0
        self.max_pages = settings.ANALYTICS_FLUSH_PAGES
        self.flush_at = time.monotonic() + settings.ANALYTICS_FLUSH_SECONDS

    def today(self) -> datetime.date:
        """The company's day (TIME_ZONE, whatever the person's), looked up again at midnight."""
        if time.time() >= self._day_ends:
            zone = timezone.get_default_timezone()
            day = datetime.datetime.now(zone).date()
            midnight = datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
            )
            self._day, self._day_ends = day, midnight.timestamp()
        return self._day

    def page(self, user_id: int, day: datetime.date, *, visit: bool) -> None:
        with self._lock:
            counts = self.people.setdefault((user_id, day), [0, 0, 0])
            counts[0] += visit
            counts[1] += 1
            self.pages += 1

    def search(self, user_id: int, day: datetime.date, query: str, *, found: bool) -> None:
        with self._lock:
            self.people.setdefault((user_id, day), [0, 0, 0])[2] += 1
            if query:
                counts = self.queries.setdefault((day, query), [0, 0])
                counts[0] += 1
                counts[1] += not found

    def due(self) -> bool:
        return self.pages >= self.max_pages or (bool(self.people) and time.monotonic() >= self.flush_at)

    def take(self) -> tuple[dict, dict]:
        """Everything counted so far, leaving the tally empty (what others count meanwhile stays)."""
        with self._lock:
            people, queries = self.people, self.queries
            self.people, self.queries = {}, {}
            self._restart()
        return people, queries

    def put_back(self, people: dict, queries: dict) -> None:
        with self._lock:
            for key, counts in people.items():
                mine = self.people.setdefault(key, [0, 0, 0])
                mine[:] = [a + b for a, b in zip(mine, counts, strict=True)]
            for key, counts in queries.items():
                mine = self.queries.setdefault(key, [0, 0])
                mine[:] = [a + b for a, b in zip(mine, counts, strict=True)]


tally = Tally()


def _thresholds_changed(setting: str, **kwargs) -> None:
    if setting.startswith("ANALYTICS_FLUSH_"):  # tests change them
        tally._restart()


setting_changed.connect(_thresholds_changed)


def flush() -> int:
    """Write what this process counted (one upsert per table); on failure keep it for next time.
    Returns the number of people-days written."""
    from ruche.analytics.services import live_counts_add

    people, queries = tally.take()
    if not people and not queries:
        return 0
    try:
        live_counts_add(people=people, queries=queries)
    except Exception:  # never fail the request that happened to flush: try again at the next one
        log.exception("analytics: could not write the live counts, kept for the next flush")
        tally.put_back(people, queries)
        return 0
    return len(people)


def flush_at_exit() -> None:
    try:
        flush()
    except Exception:  # noqa: BLE001 - the process is stopping: nothing more to do
        log.warning("analytics: the last live counts of this process were lost")
