"""Time publishing an announcement to 10,000 people: receipts materialised, then delivered.

    .venv/bin/python benchmarks/announcements.py [--employees 10000] [--runs 3] [--database sqlite|postgres|both]

Each database is measured in its own child process, on its own database (a SQLite file under
benchmarks/data/, or the PostgreSQL database `ruche_announce_bench`), rebuilt every time: `migrate`,
then `--employees` activated people with profiles in 6 departments and 4 sites, written in bulk.
Then, `--runs` times, an announcement to everyone (requiring a confirmation) is published and timed
phase by phase, each with its wall time, its CPU time (this process: the ORM, rendering; on PostgreSQL
the server's own CPU is not included) and its number of queries:

- `publish_large`: the publishing request for an audience above ANNOUNCEMENT_INLINE_RECIPIENTS
  (checks, one COUNT of the audience, the announcement, the task enqueued after commit);
- `materialise`: the worker writing one receipt per recipient (one SELECT of ids, bulk INSERTs);
- `deliver`: the worker's batches of ANNOUNCEMENT_BATCH_SIZE: an in-app notification and an e-mail
  (rendered HTML + text in the recipient's language, sent to Django's dummy mail backend: no SMTP);
- `publish_inline`: the publishing request when receipts are written in the request itself
  (ANNOUNCEMENT_INLINE_RECIPIENTS raised above the audience), for comparison.

Medians of the runs are reported (the machine is shared: compare ratios within one run). One JSON
document is printed and saved to benchmarks/results/announcements-<database>.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DATA, PG_SERVER, PYTHON, RESULTS, ROOT, child_env, machine, reset_database  # noqa: E402

PG_DATABASE = "ruche_announce_bench"
DEPARTMENTS = ["Production", "R&D", "Ventes", "Qualité", "Ressources humaines", "Direction générale"]
SITES = ["Lyon", "Grenoble", "Paris", "Nantes"]


def database_url(database: str, employees: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'announce-{employees}.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


# --- in the child ---------------------------------------------------------------------------------


def build_people(employees: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.utils import timezone

    from ruche.accounts.models import Department, Profile, Site, User

    now = timezone.now()
    password = make_password(None)
    with transaction.atomic():
        departments = [Department.objects.create(name=name) for name in DEPARTMENTS]
        sites = [Site.objects.create(name=name) for name in SITES]
        User.objects.bulk_create(
            [
                User(
                    email=f"person{i}@example.com",
                    handle=f"person{i}",
                    first_name="Personne",
                    last_name=f"N{i:05d}",
                    password=password,
                    language="fr" if i % 5 else "en",
                    activated_at=now,
                    last_seen_at=now,
                    search_text=f"personne n{i:05d}",
                )  # fmt: skip
                for i in range(employees)
            ],
            batch_size=2_000,
        )
        ids = list(User.objects.order_by("pk").values_list("pk", flat=True))
        Profile.objects.bulk_create(
            [
                Profile(user_id=pk, department=departments[n % len(departments)], site=sites[n % len(sites)])
                for n, pk in enumerate(ids)
            ],
            batch_size=2_000,
        )
        author = User.objects.get(pk=ids[0])
        author.is_announcer = True
        author.save(update_fields=["is_announcer"])


def timed(function) -> tuple[dict, object]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_ms": round(wall * 1000, 1), "cpu_ms": round(cpu * 1000, 1), "queries": len(queries)}, result


def one_run(author, n: int) -> dict:
    from django.test import override_settings

    from ruche.announcements.models import Announcement, Receipt
    from ruche.announcements.services import announcement_publish, receipts_materialise
    from ruche.announcements.tasks import deliver_announcement

    def publish(title: str):
        return announcement_publish(
            author=author, title=title, body="Lecture **obligatoire** : la note de sécurité.",
            everyone=True, requires_ack=True,
        )  # fmt: skip

    result = {}
    with override_settings(ANNOUNCEMENT_INLINE_RECIPIENTS=0):
        result["publish_large"], announcement = timed(lambda: publish(f"Annonce {n}"))
    assert not Receipt.objects.filter(announcement=announcement).exists()
    result["materialise"], recipients = timed(lambda: receipts_materialise(announcement=announcement))

    def deliver() -> int:
        sent = 0
        while done := deliver_announcement.call(announcement_id=announcement.pk):
            sent += done
        return sent

    result["deliver"], delivered = timed(deliver)
    result["recipients"], result["delivered"] = recipients, delivered
    with override_settings(ANNOUNCEMENT_INLINE_RECIPIENTS=10**9):
        result["publish_inline"], inline = timed(lambda: publish(f"Annonce en ligne {n}"))
    assert Announcement.objects.get(pk=inline.pk).recipient_count == recipients
    return result


def measure(employees: int, runs: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.test import override_settings

    from ruche.accounts.models import User

    started = time.monotonic()
    build_people(employees)
    build_s = round(time.monotonic() - started, 1)
    author = User.objects.get(is_announcer=True)
    quiet = {
        "TASKS": {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}},
        "MAILERS": {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}},
    }
    with override_settings(**quiet):
        samples = [one_run(author, n) for n in range(runs)]
    phases = ["publish_large", "materialise", "deliver", "publish_inline"]
    medians = {
        phase: {
            key: statistics.median(s[phase][key] for s in samples) for key in ("wall_ms", "cpu_ms", "queries")
        }
        for phase in phases
    }
    return {
        "employees": employees,
        "recipients": samples[0]["recipients"],
        "runs": runs,
        "batch_size": settings.ANNOUNCEMENT_BATCH_SIZE,
        "build_people_s": build_s,
        "median": medians,
        "samples": samples,
    }


# --- the parent -----------------------------------------------------------------------------------


def run_one(database: str, args) -> dict:
    DATA.mkdir(parents=True, exist_ok=True)
    url = database_url(database, args.employees)
    reset_database(database, url)
    env = child_env(url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    command = [PYTHON, __file__, "--measure", f"--employees={args.employees}", f"--runs={args.runs}"]
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(database=database, machine=machine(), date=time.strftime("%Y-%m-%d %H:%M %Z"))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"announcements-{database}.json").write_text(json.dumps(result, indent=2) + "\n")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.employees, args.runs)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for database in databases:
        result = run_one(database, args)
        print(json.dumps({"database": database, "recipients": result["recipients"], **result["median"]}))


if __name__ == "__main__":
    main()
