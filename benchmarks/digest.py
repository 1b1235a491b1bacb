"""Time the weekly digest for a generated company (10,000 people by default), on SQLite.

    .venv/bin/python benchmarks/digest.py [--employees 10000] [--source PATH.sqlite3] [--no-tracemalloc]

The company is the one benchmarks/run.py generates (`manage.py demo_company`), or a copy of an
existing database (--source, copied with SQLite's backup API so the original is untouched). A working
copy is migrated, then, in a child process with Django set up against it:

1. build: `digests_build(frequency="weekly")` with "now" just after the company's last post (so the
   week is the generated one), batches of 500 people; wall and CPU time, the process's resident
   memory after every batch (flat = the batches do not accumulate) and its peak;
2. the same build again under tracemalloc (Python allocations: current after each batch, peak),
   after deleting the first run's rows;
3. a rerun of the same period: idempotent, nothing queued;
4. send: `emails_send_due()` through a real SMTP server (aiosmtpd, in another process, which
   discards the messages), wall and CPU time.

One JSON document is printed and saved to benchmarks/results/digest-sqlite-<employees>.json.
"""

import argparse
import json
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 (benchmarks/run.py: the generated company and its environment)

ROOT = run.ROOT
RESULTS = run.RESULTS
PYTHON = sys.executable

SINK = """
import sys, time
from aiosmtpd.controller import Controller
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 OK"
controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()
controller.stop()
"""


def rss_mb() -> float:
    """The resident memory of this process now (not the peak)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(function):
    started, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, round(time.perf_counter() - started, 2), round(time.process_time() - cpu, 2)


def flatness(samples: list[float]) -> dict:
    third = max(len(samples) // 3, 1)
    return {
        "batches": len(samples),
        "first_third_median": statistics.median(samples[:third]),
        "last_third_median": statistics.median(samples[-third:]),
        "max": max(samples),
    }


def measure(tracemalloc_pass: bool) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import tracemalloc

    from django.db.models import Max

    from ruche.accounts.models import User
    from ruche.notifications.digest import digests_build, period
    from ruche.notifications.mail import emails_send_due
    from ruche.notifications.models import Email
    from ruche.posts.models import Post

    now = Post.objects.aggregate(last=Max("created"))["last"] + timedelta(minutes=1)
    key, since = period("weekly", now)
    Email.objects.filter(key=key).delete()  # a previous run on this copy
    people = User.objects.filter(is_active=True, activated_at__isnull=False).count()
    posts_in_week = Post.objects.filter(created__gte=since, created__lt=now).count()

    rss: list[float] = []
    counts, wall, cpu = timed(
        lambda: digests_build(frequency="weekly", now=now, on_batch=lambda _c: rss.append(rss_mb()))
    )
    result = {
        "people": people,
        "posts_in_the_week": posts_in_week,
        "build": {"wall_s": wall, "cpu_s": cpu, **counts, "rss_mb_after_each_batch": flatness(rss)},
        "peak_rss_mb": peak_rss_mb(),
    }
    sizes = [
        len(t) for t in Email.objects.filter(key=key, state="pending").values_list("html", flat=True)[:1000]
    ]
    result["build"]["html_bytes_median"] = statistics.median(sizes) if sizes else 0

    if tracemalloc_pass:
        Email.objects.filter(key=key).delete()
        traced: list[float] = []
        tracemalloc.start()
        _c, wall, cpu = timed(
            lambda: digests_build(
                frequency="weekly",
                now=now,
                on_batch=lambda _c: traced.append(round(tracemalloc.get_traced_memory()[0] / 2**20, 1)),
            )
        )
        peak = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
        result["build_under_tracemalloc"] = {
            "wall_s": wall,
            "cpu_s": cpu,
            "traced_mb_after_each_batch": flatness(traced),
            "traced_peak_mb": peak,
        }

    again, wall, cpu = timed(lambda: digests_build(frequency="weekly", now=now))
    result["rerun_same_period"] = {"wall_s": wall, "cpu_s": cpu, **again}

    sent, wall, cpu = timed(lambda: emails_send_due(now=now + timedelta(seconds=1)))
    result["send"] = {
        "wall_s": wall,
        "cpu_s": cpu,
        "sent": sent["sent"],
        "per_second": round(sent["sent"] / wall, 1) if wall else None,
    }
    result["build_plus_send_wall_s"] = round(result["build"]["wall_s"] + wall, 2)
    result["peak_rss_mb_end"] = peak_rss_mb()
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--source", help="an existing company database (SQLite) to copy")
    parser.add_argument("--no-tracemalloc", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(not args.no_tracemalloc)))
        return

    run.DATA.mkdir(parents=True, exist_ok=True)
    work = run.DATA / f"digest-{args.employees}.sqlite3"
    for leftover in run.DATA.glob(work.name + "*"):
        leftover.unlink()
    if args.source:
        source, generation = Path(args.source), None
    else:
        generation = run.ensure_company("sqlite", args.employees, args.seed, rebuild=False)
        source = Path(run.database_url("sqlite", args.employees, args.seed).removeprefix("sqlite:///"))
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as original, sqlite3.connect(work) as copy:
        original.backup(copy)
    url = f"sqlite:///{work}"
    port = free_port()
    env = run.child_env(url) | {"RUCHE_EMAIL_HOST": "127.0.0.1", "RUCHE_EMAIL_PORT": str(port)}
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    sink = subprocess.Popen(
        [PYTHON, "-c", SINK, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert sink.stdout.readline().strip() == "ready"
        command = [PYTHON, __file__, "--measure"] + (["--no-tracemalloc"] if args.no_tracemalloc else [])
        done = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    finally:
        sink.stdin.close()
        sink.wait(timeout=30)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        database="sqlite",
        employees=args.employees,
        source=str(source),
        generation_seconds=generation,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine={
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        command=" ".join(["benchmarks/digest.py", *sys.argv[1:]]),
        target="digest for 10,000 people under 120 s, memory flat",
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"digest-sqlite-{args.employees}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    for leftover in run.DATA.glob(work.name + "*"):
        leftover.unlink()


if __name__ == "__main__":
    main()
