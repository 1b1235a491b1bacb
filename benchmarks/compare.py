"""Compare pages between two versions of Ruche, on the same generated company, in the same run.

    .venv/bin/python benchmarks/compare.py --base 354655b [--database sqlite|postgres] [--rounds 3]
        [--viewer typical|communities] [URL ...]

These shared machines change speed by several times from one hour to the next, so figures taken at
different times cannot be compared. This checks out `--base` in a temporary git worktree and measures
it and the working tree alternately (`--rounds` times each, one process per measure), on the company
of benchmarks/run.py, for the same viewer: `typical` (run.py's) or `communities` (communities.py's
member of 50 communities). It prints CPU and wall p50 per round and the ratio of the medians.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run import PYTHON, ROOT, child_env, database_url


def measure(tree: str, urls: list[str], viewer: str, iterations: int) -> dict:
    """In a child process whose `ruche` is imported from `tree`: CPU and wall p50 of each URL."""
    sys.path[:0] = [tree, str(ROOT / "benchmarks")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.test import Client

    import ruche

    assert ruche.__file__.startswith(tree), ruche.__file__
    if viewer == "communities":
        from communities import pick_viewer

        person = pick_viewer()[0]
    else:
        from run import typical_viewer

        person = typical_viewer()
    client = Client()
    client.force_login(person)
    result = {}
    for url in urls:
        for _ in range(5):
            client.get(url)
        wall, cpu = [], []
        for _ in range(iterations):
            started, started_cpu = time.perf_counter(), time.process_time()
            assert client.get(url).status_code == 200, url
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        result[url] = {"cpu_p50_ms": statistics.median(cpu), "wall_p50_ms": statistics.median(wall)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="*", default=["/"])
    parser.add_argument("--base", required=True, help="the git revision to compare with")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--viewer", choices=["typical", "communities"], default="typical")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.urls, args.viewer, args.iterations)))
        return
    env = child_env(database_url(args.database, 10_000, 42))
    with tempfile.TemporaryDirectory() as scratch:
        base = str(Path(scratch) / "base")
        subprocess.run(["git", "worktree", "add", "--detach", base, args.base], cwd=ROOT, check=True)
        try:
            runs: dict[str, list[dict]] = {"base": [], "current": []}
            for _ in range(args.rounds):
                for name, tree in (("base", base), ("current", str(ROOT))):
                    command = [PYTHON, __file__, *args.urls, "--base", args.base, "--viewer", args.viewer,
                               "--iterations", str(args.iterations), "--measure", tree]  # fmt: skip
                    done = subprocess.run(
                        command, env={**env, "PYTHONPATH": tree}, check=True, capture_output=True, text=True
                    )
                    runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
                    print(name, json.dumps(runs[name][-1]), flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", base], cwd=ROOT, check=True)
    for url in args.urls:
        for measure_name in ("cpu_p50_ms", "wall_p50_ms"):
            before = statistics.median(r[url][measure_name] for r in runs["base"])
            after = statistics.median(r[url][measure_name] for r in runs["current"])
            print(f"{url} {measure_name}: {args.base} {before:.1f}, now {after:.1f} ({after / before:.2f}×)")


if __name__ == "__main__":
    main()
