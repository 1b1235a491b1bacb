"""Throughput: Ruche's home page and home feed API against a bare Django view, same run, same machine.

    .venv/bin/python benchmarks/throughput.py [--database sqlite|postgres] [--employees 10000]
        [--workers 2] [--connections 8,32] [--seconds 10] [--warmup 2] [--rounds 3] [--sessions 50]
        [--output PATH]

The target: every Ruche URL serves at least a tenth of the bare view's requests per second.

1. The company is generated once per database and size (`ensure_company`, as benchmarks/run.py does;
   its `database_url`: one per size, so that sizes coexist) and the run works on a copy
   (a file copy; `CREATE DATABASE ... TEMPLATE`): nothing it writes reaches the template.
2. `--sessions` people (active, following 20-80 colleagues: a populated feed) are signed in by
   writing their sessions in the copy (benchmarks/load.py's `prepare`); each request sends one
   person's cookies, the session and the CSRF cookie a browser holds after its first page.
3. Two servers start, each once, with the same `--workers`: the bare view, a `startproject` project
   whose one URL returns "Hello, world." (granian's WSGI interface, in a temporary directory), and
   Ruche as `make run` serves it (`manage.py serve --workers N --task-workers 1`).
4. Every URL is fetched once and checked (a 200 with a real page: cards on the home page, `items` in
   the API's JSON); every signed-in person's home page too. A redirect to the log-in page would make
   a fake-fast benchmark: the run stops there.
5. `wrk -t2 -c<C>` loads each target for `--seconds` after a `--warmup`: the bare view, then the
   Ruche URLs, round after round. Its Lua script sends each request as another person (the cookies
   rotate) and counts every answer that is not a 200.

The report: per target and connections, the medians over rounds of requests/s, p50 and p99 latency,
the median of the per-round ratios to the bare view, p99/p50, and the non-200 answers (any flags the
run). One JSON document is printed and saved to benchmarks/results/throughput-<database>-<employees>.json
(or `--output`), after a table.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from load import Server, free_port, fresh_copy, prepare
from run import (
    DATA,
    PG_SERVER,
    PYTHON,
    RESULTS,
    ROOT,
    child_env,
    database_url,
    drop_database,
    ensure_company,
    machine,
)

BARE = "bare"
# name: path on the Ruche server. Each order is asked for: without one, a page reads the order the
# person chose last, which the target before it has just set.
FEEDS = {
    "home": "/?order=recent",
    "home_relevant": "/?order=relevant",
    "api_feed": "/api/ruche/v1/feed/?order=recent",
    "api_feed_relevant": "/api/ruche/v1/feed/?order=relevant",
}
TARGET_RATIO = 0.1
TARGETS = dict(FEEDS)  # and those --also adds, checked for a 200 only
CARD = re.compile(rb'<article class="card post')
MARK = "THROUGHPUT "  # the line wrk's done() hook prints

# Each wrk thread has its own Lua state: setup() (in the main state) numbers the threads, so that
# they start at different people, and keeps them, so that done() can gather their status counts.
LUA = """
local cookies = {%(cookies)s}
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  thread:set("offset", #threads * math.floor(#cookies / 2))
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

function request()
  counter = counter + 1
  local cookie = cookies[(counter %% #cookies) + 1]
  return wrk.format(nil, nil, {["Cookie"] = cookie})
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("statuses") or {}) do
      total[key] = (total[key] or 0) + n
    end
  end
  local parts = {}
  for key, n in pairs(total) do
    table.insert(parts, string.format('"%%s": %%d', key, n))
  end
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, "max_us": %%d, '
    .. '"statuses": {%%s}, "errors": {"connect": %%d, "read": %%d, "write": %%d, "timeout": %%d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    table.concat(parts, ", "), e.connect, e.read, e.write, e.timeout))
end
"""


def run_url(database: str, employees: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'throughput-run-{employees}.sqlite3'}"
    return f"{PG_SERVER}/ruche_throughput_run_{employees}"


# --- in a child process: Django set up against the run's copy ------------------------------------


def sign_in(count: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection

    from ruche.accounts.models import User

    return {
        "cookies": prepare(count)["cookies"],
        "people": User.objects.count(),
        "database": connection.vendor,
    }


# --- the bare view ------------------------------------------------------------------------------------


def bare_project(directory: Path) -> None:
    """`django-admin startproject bare`: Django's default apps and middleware; then DEBUG off, a
    `/` that says hello, and `bare_wsgi.py` beside it for granian."""
    subprocess.run([PYTHON, "-m", "django", "startproject", "bare", str(directory)], check=True)  # noqa: S603
    settings = directory / "bare" / "settings.py"
    settings.write_text(
        settings.read_text() + '\nDEBUG = False\nALLOWED_HOSTS = ["127.0.0.1", "localhost"]\n'
    )
    (directory / "bare" / "urls.py").write_text(
        "from django.http import HttpResponse\n"
        "from django.urls import path\n\n\n"
        "def hello(request):\n"
        '    return HttpResponse("Hello, world.")\n\n\n'
        'urlpatterns = [path("", hello)]\n'
    )
    (directory / "bare_wsgi.py").write_text("from bare.wsgi import application  # noqa: F401\n")


class BareServer(Server):
    ready_path = "/"

    def __init__(self, directory: Path, workers: int, log: Path):
        self.port = free_port()
        command = [PYTHON, "-m", "granian", "--interface", "wsgi", "bare_wsgi:application",
                   "--workers", str(workers), "--port", str(self.port)]  # fmt: skip
        # Nothing of Ruche's environment: the project's own settings, found from its directory.
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("RUCHE_") and k != "DJANGO_SETTINGS_MODULE"
        }
        env["PYTHONPATH"] = str(directory)
        self.start(command, directory, env, log)


# --- checking and loading ---------------------------------------------------------------------------


def get(port: int, path: str, cookie: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def check(bare_port: int, ruche_port: int, cookies: list[str]) -> dict:
    """Every URL answers a real page; stop loudly otherwise. Returns what was seen, for the report."""
    seen = {}
    status, _type, body = get(bare_port, "/", cookies[0])
    if status != 200 or body != b"Hello, world.":
        raise SystemExit(f"the bare view answered {status}: {body[:200]!r}")
    seen[BARE] = {"status": status, "bytes": len(body)}
    for name, path in TARGETS.items():
        status, kind, body = get(ruche_port, path, cookies[0])
        if status != 200:
            raise SystemExit(f"{path} answered {status} (signed in? see the serve log): {body[:200]!r}")
        if name not in FEEDS:
            seen[name] = {"status": status, "bytes": len(body)}
        elif path.startswith("/api/"):
            items = json.loads(body).get("items") if kind.startswith("application/json") else None
            if not items:
                raise SystemExit(f"{path} gave no JSON `items` ({kind}): {body[:200]!r}")
            seen[name] = {"status": status, "bytes": len(body), "items": len(items)}
        else:
            cards = len(CARD.findall(body))
            if b'id="feed-items"' not in body or not cards:
                raise SystemExit(f"{path} has no feed with cards: {body[:300]!r}")
            seen[name] = {"status": status, "bytes": len(body), "cards": cards}
    for n, cookie in enumerate(cookies):  # each person, since the load rotates through them all
        status, _type, body = get(ruche_port, "/", cookie)
        if status != 200 or not CARD.search(body):
            raise SystemExit(f"person {n + 1}'s home page: {status}, {len(CARD.findall(body))} cards")
    return seen


def group_cpu(group: int) -> float:
    """CPU seconds (user + system) spent so far by the live processes of a process group: a server's
    workers. What a request costs the server, against what it costs in-process (request_cpu.py)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        if int(fields[2]) == group:  # pgrp; then utime, stime at 11, 12 (after the name)
            total += int(fields[11]) + int(fields[12])
    return total / ticks


def wrk(port: int, path: str, connections: int, seconds: float, script: Path, group: int = 0) -> dict:
    cpu = group_cpu(group) if group else 0.0
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s", "-s", str(script),
               f"http://127.0.0.1:{port}{path}"]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARK)), None)
    if line is None:
        raise SystemExit(f"wrk printed no figures:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix(MARK))
    answered = sum(raw["statuses"].values())
    cpu = group_cpu(group) - cpu if group else None
    return {
        "server_cpu_ms": round(cpu * 1000 / max(raw["requests"], 1), 3) if group else None,
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 1),
        "requests": raw["requests"],
        "statuses": raw["statuses"],
        "non_200": answered - raw["statuses"].get("200", 0),
        "socket_errors": raw["errors"],
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def summarise(rounds: list[dict], connections: list[int]) -> dict:
    """Medians over rounds, per target and connections; ratios per round, then their median."""
    summary = {}
    for c in connections:
        key = str(c)
        for name in rounds[0][key]:  # the bare view, the targets, the variants' targets
            runs = [r[key][name] for r in rounds]
            entry = {
                "rps": round(statistics.median(r["rps"] for r in runs), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in runs), 2),
                "p99_ms": round(statistics.median(r["p99_ms"] for r in runs), 2),
                "p99_over_p50": round(statistics.median(r["p99_ms"] / r["p50_ms"] for r in runs), 2),
                "server_cpu_ms": round(statistics.median(r["server_cpu_ms"] for r in runs), 3),
                "non_200": sum(r["non_200"] for r in runs),
                "socket_errors": sum(sum(r["socket_errors"].values()) for r in runs),
                "rps_by_round": [r["rps"] for r in runs],
            }
            if name != BARE:
                ratios = [r[key][name]["rps"] / r[key][BARE]["rps"] for r in rounds]
                entry["ratio_to_bare"] = round(statistics.median(ratios), 4)
                entry["ratio_by_round"] = [round(x, 4) for x in ratios]
                entry["meets_target"] = entry["ratio_to_bare"] >= TARGET_RATIO
            summary.setdefault(key, {})[name] = entry
    return summary


def table(summary: dict) -> str:
    lines = [
        f"{'target':<20} {'conns':>5} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'p99/p50':>7} "
        f"{'x bare':>7} {'CPU ms':>7} {'non-200':>7}"
    ]
    for c, targets in summary.items():
        for name, e in targets.items():
            ratio = f"{e['ratio_to_bare']:.3f}" if "ratio_to_bare" in e else "1"
            lines.append(
                f"{name:<20} {c:>5} {e['rps']:>8.1f} {e['p50_ms']:>8.2f} {e['p99_ms']:>8.2f} "
                f"{e['p99_over_p50']:>7.2f} {ratio:>7} {e['server_cpu_ms']:>7.2f} {e['non_200']:>7}"
            )
    return "\n".join(lines)


def version(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    return (done.stdout or done.stderr).strip().splitlines()[0] if (done.stdout or done.stderr) else ""


# --- orchestration -------------------------------------------------------------------------------


def stop_on_sigterm(_signum, _frame):
    raise KeyboardInterrupt  # the finally blocks stop the servers


def run(args) -> dict:
    connections = [int(c) for c in args.connections.split(",")]
    template = database_url(args.database, args.employees, args.seed)  # what run.py generates
    ensure_company(args.database, args.employees, args.seed, False)
    target = run_url(args.database, args.employees)
    fresh_copy(args.database, template, target)
    bare_server = ruche_server = None
    variants = {}
    directory = Path(tempfile.mkdtemp(prefix="ruche-throughput-"))
    try:
        signed = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [PYTHON, __file__, "--sign-in", str(args.sessions)],
            cwd=ROOT, env=child_env(target), check=True, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        signed = json.loads(signed.stdout.strip().splitlines()[-1])
        cookies = signed["cookies"]
        info = machine()  # before the load: the calibration loop is not disturbed by it
        load_before = os.getloadavg()
        bare_project(directory)
        script = directory / "rotate.lua"
        script.write_text(LUA % {"cookies": ", ".join(f'"{c}"' for c in cookies), "mark": MARK})
        bare_server = BareServer(directory, args.workers, DATA / "throughput-bare.log")
        ruche_server = Server(
            ROOT, 1, child_env(target), DATA / f"throughput-serve-{args.database}.log", workers=args.workers
        )
        for name, env in args.variants.items():  # one at a time: those started are stopped on failure
            log = DATA / f"throughput-{name}.log"
            variants[name] = Server(ROOT, 1, {**child_env(target), **env}, log, workers=args.workers)
        seen = check(bare_server.port, ruche_server.port, cookies)
        for variant in variants.values():
            check(bare_server.port, variant.port, cookies)
        loads = [
            (BARE, bare_server, "/"),
            *((name, ruche_server, path) for name, path in TARGETS.items()),
        ]
        for variant, server in variants.items():
            loads += [(f"{variant}/{name}", server, path) for name, path in TARGETS.items()]
        rounds = []
        for n in range(args.rounds):
            figures = {}
            for c in connections:
                for name, server, path in loads:
                    if args.warmup:
                        wrk(server.port, path, c, args.warmup, script)
                    result = wrk(server.port, path, c, args.seconds, script, server.process.pid)
                    figures.setdefault(str(c), {})[name] = result
                    print(
                        f"round {n + 1} c{c} {name}: {result['rps']} req/s, p50 {result['p50_ms']} ms, "
                        f"p99 {result['p99_ms']} ms, server CPU {result['server_cpu_ms']} ms a request, "
                        f"non-200 {result['non_200']}",
                        file=sys.stderr,
                        flush=True,
                    )
            rounds.append(figures)
        load_after = os.getloadavg()
    finally:
        for server in (ruche_server, bare_server, *variants.values()):
            if server is not None:
                server.stop()
        shutil.rmtree(directory, ignore_errors=True)
        drop_database(args.database, target)
    summary = summarise(rounds, connections)
    non_200 = sum(e["non_200"] + e["socket_errors"] for t in summary.values() for e in t.values())
    return {
        "database": signed["database"],
        "employees": args.employees,
        "people": signed["people"],
        "seed": args.seed,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["benchmarks/throughput.py", *sys.argv[1:]]),
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "machine": info,
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in load_after],
        },
        "versions": {
            "wrk": version(["wrk", "-v"]),
            "granian": version([PYTHON, "-m", "granian", "--version"]),
            "django": version([PYTHON, "-m", "django", "--version"]),
        },
        "workers": args.workers,
        "task_workers": 1,
        "connections": connections,
        "wrk_threads": 2,
        "seconds": args.seconds,
        "warmup_seconds": args.warmup,
        "rounds": args.rounds,
        "sessions": len(cookies),
        "urls": {BARE: "/", **TARGETS},
        "checked": seen,
        "target_ratio": TARGET_RATIO,
        "all_meet_target": all(e.get("meets_target", True) for t in summary.values() for e in t.values()),
        "flagged_non_200": non_200 > 0,
        "summary": summary,
        "by_round": rounds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="web worker processes, for both servers")
    parser.add_argument("--connections", default="8,32", help="comma-separated wrk connection counts")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per target")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each measure")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=50, help="people signed in, one per request in turn")
    parser.add_argument("--output", help="where to save the JSON")
    parser.add_argument(
        "--also", action="append", default=[], metavar="NAME=PATH",
        help="another Ruche URL to load, e.g. health=/health/ (the fixed cost of a signed-in request)",
    )  # fmt: skip
    parser.add_argument("--only", help="comma-separated targets to load (default: all)")
    parser.add_argument(
        "--variant", action="append", default=[], metavar="NAME:VAR=VALUE[,VAR=VALUE]",
        help="another Ruche server with these settings, loaded on the same targets in the same rounds "
        "(its targets are named NAME/target), e.g. threads4:RUCHE_WSGI_THREADS=4",
    )  # fmt: skip
    parser.add_argument("--sign-in", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sign_in:
        print(json.dumps(sign_in(args.sign_in)))
        return
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    TARGETS.update(dict(also.split("=", 1) for also in args.also))
    if args.only:
        for name in set(TARGETS) - set(args.only.split(",")):
            del TARGETS[name]
    args.variants = {
        name: dict(pair.split("=", 1) for pair in settings.split(","))
        for name, settings in (variant.split(":", 1) for variant in args.variant)
    }
    result = run(args)
    output = (
        Path(args.output) if args.output else RESULTS / f"throughput-{args.database}-{args.employees}.json"
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(
        f"\n{result['database']}, {result['people']} people, {args.workers} workers, "
        f"{result['sessions']} people in turn, {args.seconds:g} s x {args.rounds} rounds; "
        f"calibration {result['machine']['calibration_ms']} ms, load average before "
        f"{result['load_average']['before'][0]}\n{table(result['summary'])}"
    )
    if result["flagged_non_200"]:
        print("FLAGGED: some answers were not 200 (or sockets failed): see non_200", file=sys.stderr)


if __name__ == "__main__":
    main()
