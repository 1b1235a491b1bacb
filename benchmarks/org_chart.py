"""The org chart of a large company: its selectors and pages, timed, with their query counts.

    .venv/bin/python benchmarks/org_chart.py [--people 20000] [--database sqlite|postgres URL]

A company is written in bulk into a fresh database (a temporary SQLite file, or the PostgreSQL
database named by --database, which is emptied first): a CEO, 10 directors (one department each),
80 heads, 640 managers and everyone else in their teams, so that a department holds about a tenth
of the company. Then each selector and page of the chart is run `--iterations` times after one
warm-up run, and the median time and the query count are printed, as one JSON document.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEVELS = [1, 10, 80, 640]  # CEO, directors, heads, managers; everyone else is in a team


def setup(database: str) -> None:
    sys.path.insert(0, str(ROOT))
    if database == "sqlite":
        database = f"sqlite:///{tempfile.mkdtemp(prefix='ruche-org-')}/org.sqlite3"
    os.environ["RUCHE_DATABASE_URL"] = database
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if database.startswith("postgres"):
        call_command("flush", interactive=False, verbosity=0)


def build(people: int):
    from ruche.accounts.models import Department, Profile, User

    departments = [Department.objects.create(name=f"Direction {i + 1}") for i in range(LEVELS[1])]
    users = User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.example",
                handle=f"p{i}",
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                search_text=f"prenom{i} nom{i} p{i}",
            )  # fmt: skip
            for i in range(people)
        ],
        batch_size=2000,
    )
    starts = [sum(LEVELS[:k]) for k in range(len(LEVELS) + 1)]  # where each level begins
    profiles, department_of = [], {}
    for i, user in enumerate(users):
        level = next((k for k in range(len(LEVELS)) if i < starts[k + 1]), len(LEVELS))
        if level == 0:
            manager = None
        else:
            above = range(starts[level - 1], starts[level])
            manager = users[above[(i - starts[level]) % len(above)]]
        department = departments[i - 1] if level == 1 else department_of[manager.pk] if manager else None
        department_of[user.pk] = department
        profiles.append(
            Profile(user=user, manager=manager, department=department, job_title=f"Poste {level}")
        )
    Profile.objects.bulk_create(profiles, batch_size=2000)
    return users, departments


def timed(call, iterations: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()
    times = []
    for _ in range(iterations):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return {"ms_p50": round(statistics.median(times), 1), "queries": len(captured)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--database", default="sqlite", help="sqlite, or a postgres:// URL to empty")
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    setup(args.database)
    from django.test import Client

    from ruche.accounts import selectors

    started = time.perf_counter()
    users, departments = build(args.people)
    built = time.perf_counter() - started
    staff, director, department = users[-1], users[1], departments[0]
    client = Client(SERVER_NAME="localhost")
    client.force_login(staff)
    results = {
        "org_chain (a person in a team, 4 managers up)": lambda: selectors.org_chain(staff),
        "org_reports (a director)": lambda: selectors.org_reports(director),
        "org_tops": selectors.org_tops,
        "org_departments": selectors.org_departments,
        "department_tree (a tenth of the company)": lambda: selectors.department_tree(department),
        "page /org/": lambda: client.get("/org/"),
        "page /people/<a person in a team>/org/": lambda: client.get(f"/people/{staff.handle}/org/"),
        "page /people/<a director>/org/": lambda: client.get(f"/people/{director.handle}/org/"),
        "page /org/departments/<id>/": lambda: client.get(f"/org/departments/{department.pk}/"),
    }
    report = {
        "people": args.people,
        "database": "postgresql" if "postgres" in args.database else "sqlite",
        "build_seconds": round(built, 1),
        "department_people": department.profiles.count(),
        "timings": {name: timed(call, args.iterations) for name, call in results.items()},
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
