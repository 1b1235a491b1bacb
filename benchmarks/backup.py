"""Copy a live SQLite database while posts are being published, three ways, and time each.

    .venv/bin/python benchmarks/backup.py --source PATH.sqlite3 [--runs 3] [--limit 120] [--rate 0]

The source (e.g. the 10,000-person company benchmarks/run.py generates) is copied to a working
database first, so it is never written to. For each method and run, a writer process publishes
posts through Ruche's own service (`post_create`: the post, its search entry, mentions, hashtags
and the fan-out task row) as fast as it can (or `--rate` posts a second), and the copy is taken:

- `cli-backup`: `sqlite3 DB ".backup OUT"`, what docs/operations.md used to say (the backup API
  copying 100 pages per step), given up after `--limit` seconds;
- `backup-api`: Python's `Connection.backup(dest, pages=-1)`, the whole database in one step;
- `vacuum-into`: `VACUUM INTO 'OUT'`.

Reported per method: the copy's wall time, its size, `PRAGMA integrity_check` time, how many posts
the writer committed per second during the copy (against before it) and its slowest commit, and the
WAL's size after the copy. One JSON document is printed and saved to
benchmarks/results/backup-sqlite-rate-<rate or max>.json.
"""

import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402 (benchmarks/run.py: the environment of a child process)

WORK = run.DATA / "backup-work.sqlite3"
OUT = run.DATA / "backup-out.sqlite3"

WRITER = """
import json, os, random, sys, threading, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()
from ruche.accounts.models import User
from ruche.posts.services import post_create

rate = float(sys.argv[1])
authors = list(User.objects.filter(is_active=True).values_list("pk", flat=True)[:500])
people = {pk: User.objects.get(pk=pk) for pk in authors}
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
commits = []
print("ready", flush=True)
while not stop.is_set():
    started = time.monotonic()
    post_create(author=people[random.choice(authors)], body=f"Backup load {len(commits)} #qualite")
    commits.append((started, time.monotonic() - started))
    if rate:
        stop.wait(max(0.0, 1 / rate - (time.monotonic() - started)))
print(json.dumps(commits))
"""


def sqlite_backup_api(source: Path, dest: Path) -> None:
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(dest)) as out:
        src.backup(out, pages=-1)


def vacuum_into(source: Path, dest: Path) -> None:
    with closing(sqlite3.connect(source)) as src:
        src.execute("VACUUM INTO ?", [str(dest)])


def cli_backup(source: Path, dest: Path, limit: float) -> None:
    subprocess.run(["sqlite3", str(source), f".backup '{dest}'"], check=True, timeout=limit)


def remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def prepare(source: Path) -> None:
    run.DATA.mkdir(parents=True, exist_ok=True)
    remove(WORK)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(WORK)) as out:
        src.backup(out)
    env = run.child_env(f"sqlite:///{WORK}")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=run.ROOT, env=env, check=True)


def start_writer(rate: float) -> subprocess.Popen:
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(rate)],
        cwd=run.ROOT,
        env=run.child_env(f"sqlite:///{WORK}"),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "ready"
    return writer


def stop_writer(writer: subprocess.Popen) -> list[tuple[float, float]]:
    output, _ = writer.communicate("", timeout=60)
    return json.loads(output)


def one_run(method: str, rate: float, limit: float) -> dict:
    remove(OUT)
    writer = start_writer(rate)
    time.sleep(3)  # a baseline of commits before the copy
    started = time.monotonic()
    finished = True
    try:
        if method == "cli-backup":
            cli_backup(WORK, OUT, limit)
        elif method == "backup-api":
            sqlite_backup_api(WORK, OUT)
        else:
            vacuum_into(WORK, OUT)
    except subprocess.TimeoutExpired:
        finished = False
    ended = time.monotonic()
    wal_mb = round(Path(f"{WORK}-wal").stat().st_size / 2**20, 1)
    time.sleep(1)
    commits = stop_writer(writer)
    before = [c for c in commits if started - 3 <= c[0] < started]
    during = [c for c in commits if started <= c[0] < ended]
    result = {
        "finished": finished,
        "copy_s": round(ended - started, 2),
        "posts_per_s_before": round(len(before) / 3, 1),
        "posts_per_s_during": round(len(during) / (ended - started), 1),
        "slowest_commit_during_ms": round(max((c[1] for c in during), default=0) * 1000),
        "median_commit_during_ms": round(statistics.median([c[1] for c in during]) * 1000) if during else 0,
        "wal_mb_after": wal_mb,
    }
    if finished:
        check = time.monotonic()
        with closing(sqlite3.connect(OUT)) as out:
            assert out.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        result |= {
            "integrity_check_s": round(time.monotonic() - check, 2),
            "copy_mb": round(OUT.stat().st_size / 2**20, 1),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=120, help="seconds before the CLI copy is given up")
    parser.add_argument("--rate", type=float, default=0, help="posts a second (0: as fast as possible)")
    parser.add_argument("--methods", default="vacuum-into,backup-api,cli-backup")
    args = parser.parse_args()
    prepare(args.source)
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs",
        "sqlite": sqlite3.sqlite_version,
        "database_mb": round(WORK.stat().st_size / 2**20, 1),
        "rate": args.rate or "as fast as possible",
        "load_average_before": os.getloadavg(),
    }
    for method in args.methods.split(","):
        results[method] = [one_run(method, args.rate, args.limit) for _ in range(args.runs)]
        print(method, json.dumps(results[method]), file=sys.stderr)
    remove(OUT)
    text = json.dumps(results, indent=2)
    print(text)
    (run.RESULTS / f"backup-sqlite-rate-{args.rate or 'max'}.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
