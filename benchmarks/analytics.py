"""What counting visits and pages costs a request (ruche/analytics/middleware.py): the same pages
through two Django handlers loaded in the same process, one with the middleware and one without,
measured alternately, request by request; the median of each round, and the median of the rounds'
ratios. Also the middleware alone (around a handler answering at once) and the batch write
(one upsert of 200, then 1,000 people's counts).

    .venv/bin/python benchmarks/analytics.py [--rounds 7] [--requests 200] [--database-url URL]

A fresh SQLite database in a temporary folder under benchmarks/ by default (or the empty database
at URL, migrated). The flush thresholds are the defaults (200 pages, 60 s), so the "with" pages pay
their share of the batch writes. Prints one JSON document.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MIDDLEWARE = "ruche.analytics.middleware.ActivityMiddleware"


def setup(url: str, workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        RUCHE_DATABASE_URL=url,
        RUCHE_VAR_DIR=str(workdir),
        RUCHE_SECRET_KEY="benchmark-only-" + "x" * 40,
        RUCHE_ALLOWED_HOSTS="testserver",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def company():
    """A viewer following ten colleagues who wrote 60 posts, and one community."""
    from django.utils import timezone

    from ruche.accounts.models import Follow, Profile, User
    from ruche.posts.services import post_create

    now = timezone.now()

    def person(n: int) -> User:
        user = User.objects.create_user(f"p{n}@example.com", "x" * 20, first_name=f"P{n}", last_name="Bench",
                                        activated_at=now, last_seen_at=now, feed_built_at=now, language="en")  # fmt: skip
        Profile.objects.create(user=user)
        return user

    viewer, colleagues = person(0), [person(n) for n in range(1, 11)]
    for colleague in colleagues:
        Follow.objects.create(follower=viewer, followed=colleague)
    for n in range(60):
        post_create(author=colleagues[n % 10], body=f"Nouvelle du jour numéro {n} #atelier")
    return viewer


def client_for(middleware: list[str], viewer):
    """A test client whose handler loads `middleware` now (a handler keeps the chain it loaded)."""
    from django.conf import settings
    from django.test import Client

    settings.MIDDLEWARE = middleware
    client = Client()
    client.force_login(viewer)
    client.get("/")
    return client


def time_alternately(handlers: dict, url: str, count: int) -> dict[str, list[float]]:
    """Milliseconds of each request, the handlers taking turns request by request (the first to go
    changes every time), so that the machine's changes of speed fall on both alike."""
    samples = {name: [] for name in handlers}
    names = list(handlers)
    for n in range(count):
        for name in names if n % 2 else reversed(names):
            start = time.perf_counter()
            response = handlers[name].get(url)
            samples[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return samples


def middleware_alone(viewer, calls: int) -> dict:
    """Microseconds per call of the middleware around a handler that answers at once, against a
    pass-through middleware (its floor)."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from ruche.analytics.counters import tally
    from ruche.analytics.middleware import ActivityMiddleware

    response = HttpResponse("<p>ok</p>")
    request = RequestFactory().get("/")
    request.user = viewer
    counted = ActivityMiddleware(lambda r: response)

    def passthrough(r):
        return response

    from django.conf import settings

    kept = settings.ANALYTICS_FLUSH_PAGES, settings.ANALYTICS_FLUSH_SECONDS
    settings.ANALYTICS_FLUSH_PAGES = settings.ANALYTICS_FLUSH_SECONDS = 10**9  # the write apart
    results = {}
    for name, handler in (("pass-through", passthrough), ("ActivityMiddleware", counted)):
        rounds = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(calls):
                handler(request)
            rounds.append((time.perf_counter() - start) / calls * 1e6)
            tally.take()
        results[name] = round(statistics.median(rounds), 2)
    settings.ANALYTICS_FLUSH_PAGES, settings.ANALYTICS_FLUSH_SECONDS = kept
    return results


def batch_write(size: int) -> dict:
    """Milliseconds to write a batch of `size` people's counts (one upsert), new rows then added ones."""
    from django.utils import timezone

    from ruche.accounts.models import User
    from ruche.analytics.services import live_counts_add

    ids = list(User.objects.values_list("pk", flat=True))
    day = timezone.localdate() + timedelta(days=size)  # rows of their own, apart from the pages'
    people = {(ids[n % len(ids)], day - timedelta(days=n // len(ids))): [1, 3, 0] for n in range(size)}
    found = {}
    for label in ("insert", "add"):
        start = time.perf_counter()
        live_counts_add(people=people, queries={})
        found[label] = round((time.perf_counter() - start) * 1000, 2)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--requests", type=int, default=200, help="requests per page, per round, per handler")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'analytics.sqlite3'}"
        setup(url, Path(workdir))
        print(json.dumps(measure(args.rounds, args.requests), indent=2))


def measure(rounds: int, requests: int) -> dict:
    from django.conf import settings
    from django.db import connection

    viewer = company()
    full = list(settings.MIDDLEWARE)
    assert MIDDLEWARE in full
    handlers = {
        "with": client_for(full, viewer),
        "without": client_for([m for m in full if m != MIDDLEWARE], viewer),
    }
    pages = {"/": "home feed", "/notifications/": "a light page"}
    timings = {url: {name: [] for name in handlers} for url in pages}
    for _ in range(rounds):
        for url in pages:
            for name, samples in time_alternately(handlers, url, requests).items():
                timings[url][name].append(statistics.median(samples))
    from django.db.models import Sum

    from ruche.analytics.models import PersonDay

    results = {}
    for url, label in pages.items():
        with_ms, without_ms = (statistics.median(timings[url][n]) for n in ("with", "without"))
        results[url] = {
            "page": label,
            "with_ms_p50": round(with_ms, 3),
            "without_ms_p50": round(without_ms, 3),
            # Each round's two medians were taken side by side: the median of their ratios.
            "ratio": round(statistics.median(a / b for a, b in zip(*timings[url].values(), strict=True)), 4),
            "ratio_of_medians": round(with_ms / without_ms, 4),
            "rounds_with": [round(v, 3) for v in timings[url]["with"]],
            "rounds_without": [round(v, 3) for v in timings[url]["without"]],
        }
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} ({os.cpu_count()} cpus), Python {platform.python_version()}",
        "load_average": os.getloadavg(),
        "database": connection.vendor,
        "rounds": rounds,
        "requests_per_round": requests,
        "pages": results,
        "pages_written_by_the_run": PersonDay.objects.filter(user=viewer).aggregate(n=Sum("pages"))["n"],
        "middleware_alone_us_per_call": middleware_alone(viewer, 20_000),
        "batch_write_ms": {size: batch_write(size) for size in (200, 1000)},
    }


if __name__ == "__main__":
    main()
