"""The Mastodon home timeline (`/api/v1/timelines/home?limit=20`) against Ruche's own home feed API
(`/api/ruche/v1/feed/?limit=20`) and the home page `/`, in the same run, on a generated company.

    .venv/bin/python benchmarks/mastodon_timeline.py [--employees 1000] [--database sqlite|postgres]
        [--rounds 5] [--iterations 40] [--rebuild]

The company is the large generator's (`manage.py demo_company --employees N`), in a database of
this benchmark's own (benchmarks/data/mastodon-timeline-*). The reader is run.py's typical viewer
(~40 follows), holding a personal API token (both APIs take it as a bearer) and a session (the
page). Rounds of the three requests, each round's medians and the Mastodon timeline's ratios to
the two others; the median of the rounds is reported, with the queries of each request. One JSON
document, printed and saved to benchmarks/results/mastodon-timeline-<database>-<employees>.json.
"""

import argparse
import json
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import DATA, PG_SERVER, PYTHON, RESULTS, ROOT, child_env, ensure_company, machine, time_page  # noqa: E402

sys.path.insert(0, str(ROOT))

URLS = {
    "mastodon_home": "/api/v1/timelines/home?limit=20",
    "ruche_api_home": "/api/ruche/v1/feed/?limit=20",
    "home_page": "/",
}


def database_url(database: str, employees: int, seed: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'mastodon-timeline-{employees}-s{seed}.sqlite3'}"
    return f"{PG_SERVER}/ruche_bench_mastodon_timeline"


def measure(rounds: int, iterations: int) -> dict:
    import django

    django.setup()
    from django.test import Client
    from run import typical_viewer

    from ruche.api.services import api_token_create

    viewer = typical_viewer()
    _token, secret = api_token_create(user=viewer, name="benchmark")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.force_login(viewer)
    per_round = []
    for _ in range(rounds):
        per_round.append({name: time_page(client, url, iterations, warmup=5) for name, url in URLS.items()})
    medians = {name: round(statistics.median(r[name]["p50_ms"] for r in per_round), 2) for name in URLS}
    ratios = {
        "mastodon_to_ruche_api": round(
            statistics.median(
                r["mastodon_home"]["p50_ms"] / r["ruche_api_home"]["p50_ms"] for r in per_round
            ),
            2,
        ),
        "mastodon_to_home_page": round(
            statistics.median(r["mastodon_home"]["p50_ms"] / r["home_page"]["p50_ms"] for r in per_round), 2
        ),
    }
    return {
        "viewer": viewer.pk,
        "p50_ms": medians,
        "ratios": ratios,
        "queries": {name: per_round[-1][name]["queries"] for name in URLS},
        "bytes": {name: per_round[-1][name]["bytes"] for name in URLS},
        "rounds": per_round,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--employees", type=int, default=1_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.rounds, args.iterations)))
        return
    url = database_url(args.database, args.employees, args.seed)
    name = f"mastodon-timeline-{args.database}"
    generation = ensure_company(args.database, args.employees, args.seed, args.rebuild, url=url, name=name)
    command = [PYTHON, __file__, "--measure", f"--rounds={args.rounds}", f"--iterations={args.iterations}"]
    env = child_env(url) | {"DJANGO_SETTINGS_MODULE": "config.settings"}
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.PIPE, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        employees=args.employees,
        database=args.database,
        generation_seconds=generation,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=machine(),
        command=f"benchmarks/mastodon_timeline.py --employees {args.employees} --database {args.database} "
        f"--rounds {args.rounds} --iterations {args.iterations}",
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"mastodon-timeline-{args.database}-{args.employees}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps({k: v for k, v in result.items() if k != "rounds"}, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
