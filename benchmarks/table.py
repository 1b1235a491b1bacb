"""Print the Markdown table of docs/performance.md from benchmarks/results/*-<employees>.json.

.venv/bin/python benchmarks/table.py [--employees 10000]
"""

import argparse
import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROWS = [
    ("pages", "home_page_1", "Home feed, page 1 (`/`)"),
    ("pages", "home_page_2", "Home feed, page 2 (`/?before=…`)"),
    ("selectors_only", "home_feed_page_1", "└ `home_feed()` alone, page 1 (no HTTP, no template)"),
    ("pages", "directory", "Directory (`/people/`)"),
    ("pages", "notifications", "Notifications (`/notifications/`)"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10_000)
    args = parser.parse_args()
    results = {
        db: json.loads(path.read_text())
        for db in ("sqlite", "postgres")
        if (path := RESULTS / f"{db}-{args.employees}.json").exists()
    }
    dbs = list(results)
    head = " | ".join(f"{db} p50 / p95 / p99 (ms) | {db} queries" for db in dbs)
    print(f"| request | {head} |")
    print("|---|" + "---|---|" * len(dbs))
    for group, key, label in ROWS:
        cells = []
        for db in dbs:
            row = results[db].get(group, {}).get(key)
            cells += (
                [f"{row['p50_ms']:.1f} / {row['p95_ms']:.1f} / {row['p99_ms']:.1f}", str(row["queries"])]
                if row
                else ["–", "–"]
            )
        print(f"| {label} | " + " | ".join(cells) + " |")
    for size in ("10", "1000", "10000"):
        cells = []
        for db in dbs:
            row = results[db]["fan_out"].get(size)
            cells += [f"{row['median_ms']:.0f} (median of {len(row['runs_ms'])})" if row else "–", "–"]
        print(f"| Fan-out of one post to {int(size):,} followers | " + " | ".join(cells) + " |")
    print(
        "| Generating the company | "
        + " | ".join(f"{results[db]['generation_seconds']:.0f} s | –" for db in dbs)
        + " |"
    )


if __name__ == "__main__":
    main()
