"""Time the LDAP sync of 10,000 people against a real OpenLDAP server (Debian's slapd).

    .venv/bin/python benchmarks/ldap_sync.py [--people 10000] [--runs 3] [--photos-every 10] [--database sqlite|postgres]

The parent starts a slapd of its own (tests/ldap/slapd.py: a temporary folder, a free port) and
fills it once with `--people` inetOrgPerson entries in a shuffled order (reports often listed before
their managers): names, title, department (20), site (8), telephone, manager (ten reports each, four
levels), and a 96 px JPEG for one person in `--photos-every`. Then, `--runs` times, on an empty
database (a SQLite file under benchmarks/data/, or the PostgreSQL database `ruche_ldap_bench`),
migrated, a child process times `ldap_sync()` twice: the first sync (everyone created) and a second
one with nothing changed, each with its wall time, CPU time (this process) and queries. The worker's
tasks are written to the task table as in production (the search index's, for instance), not run.
One JSON document is printed and saved to benchmarks/results/ldap_sync-<database>.json.
"""

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DATA, PG_SERVER, PYTHON, RESULTS, ROOT, child_env, machine, reset_database  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.ldap.slapd import PEOPLE, ROOT_DN, ROOT_PASSWORD, Slapd  # noqa: E402

PG_DATABASE = "ruche_ldap_bench"
DEPARTMENTS = [f"Département {i:02d}" for i in range(20)]
SITES = ["Lyon", "Grenoble", "Paris", "Nantes", "Lille", "Bordeaux", "Toulouse", "Rennes"]


def database_url(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / 'ldap-sync.sqlite3'}"
    return f"{PG_SERVER}/{PG_DATABASE}"


# --- the directory (in the parent) ----------------------------------------------------------------


def photo(i: int) -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (96, 96), ((i * 37) % 256, (i * 91) % 256, (i * 13) % 256)).save(out, "JPEG", quality=85)
    return out.getvalue()


def fill(slapd, people: int, photos_every: int) -> float:
    started = time.perf_counter()
    order = list(range(people))
    random.Random(15).shuffle(order)
    with slapd.connection() as ldap:
        for i in order:
            slapd.add(
                ldap,
                f"p{i:05d}",
                mail=f"person{i}@example.com",
                givenName="Personne",
                sn=f"N{i:05d}",
                title=f"Métier {i % 50}",
                departmentNumber=DEPARTMENTS[i % len(DEPARTMENTS)],
                l=SITES[i % len(SITES)],
                telephoneNumber=f"+33 1 00 {i // 100:02d} {i % 100:02d}",
                manager=slapd.dn(f"p{(i - 1) // 10:05d}") if i else None,
                jpegPhoto=photo(i) if photos_every and i % photos_every == 0 else None,
            )
    return time.perf_counter() - started


# --- in the child ---------------------------------------------------------------------------------


def timed(function) -> tuple[dict, object]:
    from django.db import connection

    count = [0]

    def counted(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    wall, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(counted):
        result = function()
    figures = {
        "wall_s": round(time.perf_counter() - wall, 2),
        "cpu_s": round(time.process_time() - cpu, 2),
        "queries": count[0],
    }
    return figures, result


def measure() -> dict:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from ruche.ldap.services import ldap_sync

    first, run = timed(ldap_sync)
    assert run.status == "done", run.message
    first["counts"] = run.counts
    second, run = timed(ldap_sync)
    second["counts"] = run.counts
    return {"first": first, "second": second}


# --- the parent -----------------------------------------------------------------------------------


def one_run(database: str, slapd) -> dict:
    url = database_url(database)
    DATA.mkdir(parents=True, exist_ok=True)
    reset_database(database, url)
    env = child_env(url)
    env.update(
        RUCHE_LDAP_URL=slapd.url,
        RUCHE_LDAP_BIND_DN=ROOT_DN,
        RUCHE_LDAP_BIND_PASSWORD=ROOT_PASSWORD,
        RUCHE_LDAP_BASE_DN=PEOPLE,
    )
    subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=env, check=True)
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [PYTHON, __file__, "--measure"], cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--photos-every", type=int, default=10)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    slapd = Slapd().start()
    try:
        fill_s = fill(slapd, args.people, args.photos_every)
        samples = [one_run(args.database, slapd) for _ in range(args.runs)]
    finally:
        slapd.stop()
    median = {
        sync: {
            key: statistics.median(s[sync][key] for s in samples) for key in ("wall_s", "cpu_s", "queries")
        }
        for sync in ("first", "second")
    }
    result = {
        "database": args.database,
        "people": args.people,
        "photos_every": args.photos_every,
        "runs": args.runs,
        "fill_directory_s": round(fill_s, 1),
        "median": median,
        "samples": samples,
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"ldap_sync-{args.database}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({"database": args.database, "people": args.people, **median}))


if __name__ == "__main__":
    main()
