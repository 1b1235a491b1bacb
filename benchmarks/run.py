"""Time Ruche's hot paths on a generated company, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/run.py [--employees 10000] [--database sqlite|postgres|both]

The company is generated once per size and database (`manage.py demo_company --employees N`) and
reused; each database is then measured in its own process, with Django set up against it. One JSON
document is printed and saved to benchmarks/results/<database>-<employees>.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "ruche_bench"
PYTHON = sys.executable
FAN_OUT_SIZES = (10, 1_000, 10_000)
TARGETS_MS = {"home_p50": 20, "home_p99": 60, "fan_out_10000": 2_000}


def database_url(database: str, employees: int, seed: int) -> str:
    """One database per size, so that the 10,000- and 100,000-person companies coexist (the first
    keeps its old name, `ruche_bench`)."""
    if database == "sqlite":
        return f"sqlite:///{DATA / f'ruche-{employees}-s{seed}.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}" if employees == 10_000 else f"{PG_SERVER}/{PG_DATABASE}_{employees}"


def child_env(url: str) -> dict:
    """Never the developer's var/ nor their secret: everything lives under benchmarks/data/."""
    env = dict(os.environ)
    env.update(
        RUCHE_DATABASE_URL=url,
        RUCHE_SECRET_KEY="benchmark-only-" + "x" * 40,
        RUCHE_VAR_DIR=str(DATA / "var"),
        RUCHE_MEDIA_ROOT=str(DATA / "var" / "media"),
        RUCHE_ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        RUCHE_DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    return env


# --- building the company -------------------------------------------------------------------


def marker(database: str, employees: int = 10_000) -> Path:
    """What was generated where: one file per database and size (10,000: the old `<database>.json`)."""
    return DATA / (f"{database}.json" if employees == 10_000 else f"{database}-{employees}.json")


def ensure_company(
    database: str, employees: int, seed: int, rebuild: bool, *, url: str | None = None, name: str = ""
) -> float:
    """Generate the company unless this database already holds it; return the generation time.
    `url` and `name` (its marker under benchmarks/data/) for a company of another benchmark's own."""
    DATA.mkdir(parents=True, exist_ok=True)
    url = url or database_url(database, employees, seed)
    done = marker(name) if name else marker(database, employees)
    wanted = {"employees": employees, "seed": seed, "url": url}
    env = child_env(url)
    migrate = [PYTHON, "manage.py", "migrate", "--no-input", "-v0"]
    if not rebuild and done.exists():
        known = json.loads(done.read_text())
        if {k: known.get(k) for k in wanted} == wanted:
            subprocess.run(migrate, cwd=ROOT, env=env, check=True)  # the company, on today's schema
            if database == "postgres" and not known.get("settled"):  # generated before settle()
                settle(url)
                done.write_text(json.dumps({**known, "settled": True}))
            return known["generation_seconds"]
    reset_database(database, url)
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)
    started = time.monotonic()
    subprocess.run(
        [PYTHON, "manage.py", "demo_company", f"--employees={employees}", f"--seed={seed}"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    seconds = round(time.monotonic() - started, 1)
    if database == "postgres":
        settle(url)
    done.write_text(json.dumps({**wanted, "generation_seconds": seconds, "settled": True}))
    return seconds


def settle(url: str) -> None:
    """What autovacuum does to a database left to run, which a server with it off (as here) never
    does: statistics for every table, and the visibility map that lets an index answer alone. Copies
    made from it (`CREATE DATABASE ... TEMPLATE`) keep both. Without it, the first reads of each row
    write it again (its hint bits) and plans rest on guesses for the tables generation left alone."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def reset_database(database: str, url: str) -> None:
    """An empty database at `url` (a SQLite file, or a PostgreSQL database of PG_SERVER)."""
    drop_database(database, url)
    if database == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{url.rsplit("/", 1)[1]}"')


def drop_database(database: str, url: str) -> None:
    """No database at `url` any more: the SQLite file and its journals, or the PostgreSQL database."""
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
        return
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


# --- measuring (in a child process, Django set up against one database) ---------------------


def percentiles(samples: list[float]) -> dict:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(cuts[94], 2),
        "p99_ms": round(cuts[98], 2),
        "min_ms": round(min(samples), 2),
    }


def typical_viewer():
    """An active employee following ~40 people, exactly one of them followed company-wide."""
    from django.conf import settings
    from django.db.models import Count, Q

    from ruche.accounts.models import User

    large = settings.FEED_LARGE_AUDIENCE
    candidates = (
        User.objects.filter(is_active=True, is_staff=False, last_seen_at__isnull=False)
        .annotate(
            follows=Count("following_set", distinct=True),
            large_follows=Count(
                "following_set", filter=Q(following_set__followed__follower_count__gt=large), distinct=True
            ),
            large_tags=Count(
                "hashtag_follows", filter=Q(hashtag_follows__hashtag__follower_count__gt=large), distinct=True
            ),
        )
        .filter(follows__gte=35, follows__lte=45)
        .order_by("-last_seen_at")
    )
    # A small company has no account above the threshold: then anyone with ~40 follows will do.
    viewer = candidates.filter(large_follows=1, large_tags=0).first() or candidates.first()
    if viewer is None:
        raise SystemExit("no typical viewer in this dataset (35-45 follows)")
    return viewer


def time_page(client, url: str, iterations: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    samples, cpu = [], []
    for _ in range(iterations):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # CPU time of this process (Python and SQLite, which runs in-process): what the request costs,
    # much less disturbed than wall time by other work on a shared machine.
    cpu_p50 = round(statistics.median(cpu), 2)
    return {
        "url": url,
        **percentiles(samples),
        "cpu_p50_ms": cpu_p50,
        "queries": len(queries),
        "bytes": len(response.content),
    }


def time_selector(function, iterations: int, warmup: int) -> dict:
    """The same read without HTTP, middleware and templates: what the database part costs."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        function()
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        function()
    return {**percentiles(samples), "queries": len(queries)}


def time_fan_out(size: int, runs: int) -> dict:
    """Fan one post out to exactly `size` followers, committed batch by batch as the task does (on
    PostgreSQL the stamps move at each commit), `runs` times with the stamps' triggers and as many
    without, alternately: what the stamps cost the writes. Everything written is removed after."""
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from ruche.accounts.models import Follow, User
    from ruche.feed import stamps
    from ruche.feed.models import FeedEntry
    from ruche.feed.services import post_fan_out
    from ruche.posts.models import Post
    from ruche.posts.services import post_create
    from ruche.worker.models import Task

    email = f"bench-{size}@ruche.example"
    Post.objects.filter(author__email=email).delete()  # left by an interrupted run
    User.objects.filter(email=email).delete()
    tasks_before = Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    author = User.objects.create_user(email, first_name="Bench", last_name=f"Author {size}", language="fr")
    followers = list(User.objects.exclude(pk=author.pk).order_by("pk").values_list("pk", flat=True)[:size])
    assert len(followers) == size, f"the company is too small for {size} followers"
    # Fan-out skips people away for long: make the whole audience recently active.
    User.objects.filter(pk__in=followers).update(last_seen_at=timezone.now())
    Follow.objects.bulk_create([Follow(follower_id=pk, followed=author) for pk in followers], batch_size=2000)
    User.objects.filter(pk=author.pk).update(follower_count=size)
    author.follower_count = size

    def once(run: int) -> float:
        post = post_create(author=author, body=f"Mesure de diffusion n° {run} #benchmark")
        started = time.perf_counter()
        written = post_fan_out(post)
        elapsed = (time.perf_counter() - started) * 1000
        assert written == size and FeedEntry.objects.filter(user_id=followers[-1], post=post).exists()
        return elapsed

    samples, unstamped = [], []
    try:
        with override_settings(FEED_LARGE_AUDIENCE=20_000):
            for run in range(runs):
                samples.append(once(run))
                with stamps.paused(connection):
                    unstamped.append(once(run))
    finally:
        FeedEntry.objects.filter(post__author=author).delete()
        Post.objects.filter(author=author).delete()
        author.delete()
        Task.objects.filter(pk__gt=tasks_before).delete()  # the posts' own tasks, never run here
    return {
        "followers": size,
        "median_ms": round(statistics.median(samples), 1),
        "runs_ms": [round(s, 1) for s in samples],
        "without_stamps_median_ms": round(statistics.median(unstamped), 1),
        "without_stamps_runs_ms": [round(s, 1) for s in unstamped],
    }


def dataset_summary() -> dict:
    from ruche.accounts.models import Follow, User
    from ruche.feed.models import FeedEntry
    from ruche.notifications.models import Notification
    from ruche.posts.models import HashtagFollow, Post, Reaction

    return {
        "people": User.objects.count(),
        "follows": Follow.objects.count(),
        "hashtag_follows": HashtagFollow.objects.count(),
        "top_level_posts": Post.objects.filter(parent__isnull=True).count(),
        "replies": Post.objects.filter(parent__isnull=False).count(),
        "reactions": Reaction.objects.count(),
        "feed_entries": FeedEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


def measure(iterations: int, warmup: int, fan_out_runs: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from ruche.accounts.models import User
    from ruche.feed.models import FeedEntry
    from ruche.feed.selectors import home_feed

    viewer = typical_viewer()
    client = Client()
    client.force_login(viewer)
    cursor = home_feed(viewer).next_cursor
    pages = {
        "home_page_1": time_page(client, "/", iterations, warmup),
        "home_page_2": time_page(client, f"/?before={cursor}", iterations, warmup),
        "directory": time_page(client, "/people/", iterations, warmup),
        "notifications": time_page(client, "/notifications/", iterations, warmup),
    }
    people = User.objects.count()
    selectors = {
        "home_feed_page_1": time_selector(lambda: home_feed(viewer), iterations, warmup),
        "home_feed_page_2": time_selector(lambda: home_feed(viewer, before=cursor), iterations, warmup),
    }
    fan_out = {str(n): time_fan_out(n, fan_out_runs) if n <= people else None for n in FAN_OUT_SIZES}
    return {
        "database": connection.vendor,
        "server_version": ".".join(
            map(str, getattr(connection, "pg_version", None) and divmod(connection.pg_version, 10000) or ())
        )
        or None,
        "settings": {
            "FEED_LARGE_AUDIENCE": settings.FEED_LARGE_AUDIENCE,
            "FEED_MAX_ENTRIES": settings.FEED_MAX_ENTRIES,
            "FEED_PAGE_SIZE": settings.FEED_PAGE_SIZE,
        },
        "dataset": dataset_summary(),
        "viewer": {
            "handle": viewer.handle,
            "follows": viewer.follows,
            "large_follows": viewer.large_follows,
            "feed_entries": FeedEntry.objects.filter(user=viewer).count(),
        },
        "iterations": iterations,
        "pages": pages,
        "selectors_only": selectors,
        "fan_out": fan_out,
    }


# --- orchestration ---------------------------------------------------------------------------


def calibration_ms() -> float:
    """CPU time of a fixed loop (median of 15): how fast this machine was during the run. These shared
    machines have been seen several times slower at some hours than at others: compare figures of
    different runs by their ratio to this one."""
    samples = []
    for _ in range(15):
        started = time.process_time()
        sum(range(1_000_000))
        samples.append((time.process_time() - started) * 1000)
    return round(statistics.median(samples), 1)


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "calibration_ms": calibration_ms(),
        "python": platform.python_version(),
        "system": platform.platform(),
    }


def run_one(database: str, args) -> dict:
    generation = ensure_company(database, args.employees, args.seed, args.rebuild)
    url = database_url(database, args.employees, args.seed)
    command = [PYTHON, __file__, "--measure", f"--iterations={args.iterations}", f"--warmup={args.warmup}",
               f"--fan-out-runs={args.fan_out_runs}"]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, env=child_env(url), check=True, stdout=subprocess.PIPE, text=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        employees=args.employees,
        seed=args.seed,
        generation_seconds=generation,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=machine(),
        command=" ".join(
            ["benchmarks/run.py", f"--employees {args.employees}", f"--database {args.database}"]
        ),
    )
    result["targets"] = {
        "home_p50_ms<=20": result["pages"]["home_page_1"]["p50_ms"] <= TARGETS_MS["home_p50"],
        "home_p99_ms<=60": result["pages"]["home_page_1"]["p99_ms"] <= TARGETS_MS["home_p99"],
        "fan_out_10000_ms<2000": (result["fan_out"]["10000"] or {}).get("median_ms", 1e9)
        < TARGETS_MS["fan_out_10000"],
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{database}-{args.employees}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--fan-out-runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="generate the company again even if present")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.iterations, args.warmup, args.fan_out_runs)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {db: run_one(db, args) for db in databases}
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
