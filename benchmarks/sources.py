"""Polling news sources: how long 500 feeds served by a local site take to poll, first (each
publishes its latest items) and again (the site answers 304 Not Modified to the conditional GET).

    .venv/bin/python benchmarks/sources.py [--sources 500] [--items 5]

A fresh SQLite database under benchmarks/data/; tasks are written to the queue, not run (the
polling itself is measured, not the fan-out of what it publishes). Prints one JSON document.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(workdir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        RUCHE_DATABASE_URL=f"sqlite:///{workdir / 'sources.sqlite3'}",
        RUCHE_VAR_DIR=str(workdir),
        RUCHE_SECRET_KEY="benchmark-only-" + "x" * 40,
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--items", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "benchmarks") as workdir:
        setup(Path(workdir))
        print(json.dumps(measure(args.sources, args.items), indent=2))


def measure(sources: int, items: int) -> dict:
    from django.conf import settings
    from django.utils import timezone

    from ruche.accounts.models import Profile, User
    from ruche.communities.models import Community, Membership
    from ruche.sources import services
    from ruche.sources.models import Source
    from tests.local_sites import LocalSite
    from tests.sources.feeds import Feed, rss

    now = timezone.now()
    owner = User.objects.create_user("veille@example.com", "x" * 20, first_name="Véra", last_name="Veille",
                                     activated_at=now, last_seen_at=now, feed_built_at=now)  # fmt: skip
    Profile.objects.create(user=owner)
    community = Community.objects.create(name="Veille", slug="veille", created_by=owner)
    Membership.objects.create(community=community, user=owner, role=Membership.Role.OWNER)
    routes = {f"/feed/{n}.xml": Feed(rss(*[(f"{n}-{i}", f"Article {i} du flux {n}") for i in range(items)]))
              for n in range(sources)}  # fmt: skip
    with LocalSite(routes) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        ids = [Source.objects.create(community=community, added_by=owner, url=site.url(f"/feed/{n}.xml")).pk
               for n in range(sources)]  # fmt: skip
        first, published = poll_all(services, ids)
        again, republished = poll_all(services, ids)
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} ({os.cpu_count()} cpus), Python {platform.python_version()}",
        "sources": sources,
        "items_per_source": items,
        "first_poll": summary(first) | {"published": published},
        "second_poll_304": summary(again) | {"published": republished},
    }


def poll_all(services, ids: list[int]) -> tuple[list[float], int]:
    timings, published = [], 0
    for pk in ids:
        started = time.perf_counter()
        published += services.source_poll(pk)
        timings.append(time.perf_counter() - started)
    return timings, published


def summary(timings: list[float]) -> dict:
    ordered = sorted(timings)
    return {
        "total_s": round(sum(timings), 2),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "p99_ms": round(ordered[int(len(ordered) * 0.99) - 1] * 1000, 1),
    }


if __name__ == "__main__":
    main()
