"""Keeping up: Ruche served as in production (`manage.py serve`: granian and the task workers) under
a read/react/post load, on a generated company, with the task queue watched from the database.

    .venv/bin/python benchmarks/load.py [--database sqlite|postgres|both] [--employees 3000]
        [--seconds 180] [--users 16] [--mix 60/30/10] [--task-workers N] [--drain-cap 600]
        [--tree PATH] [--env NAME=VALUE ...] [--output PATH]

The company is generated once per database (`manage.py demo_company`, as benchmarks/run.py does;
under benchmarks/data/, PostgreSQL database `ruche_load`) and each run works on a fresh copy of it
(a file copy; `CREATE DATABASE ... TEMPLATE`), so that runs start from the same state. Then, in a
child process set up against the copy:

1. 16 people (active, following 20-80 colleagues) are signed in: sessions written in the database.
2. `manage.py serve --port <free> [--task-workers N]` starts (from `--tree`, another checkout, to
   measure an older version under the same load); its output goes to benchmarks/data/.
3. Each person, in a thread with a kept-alive HTTP connection, loops without pause until
   `--seconds` have passed: 60 % reads of the home feed (`GET /`), 30 % reaction toggles on a post
   of their last feed page (the card's htmx form), 10 % posts (the composer's htmx form; a third
   mention a colleague, a third carry a hashtag).
4. Every second, the queue is read from the task table: rows due now (waiting), running, and
   deferred (waiting for a later time: e-mails held a few minutes).
5. When the load stops: the time until nothing is due nor running (drained), up to `--drain-cap`.
6. From the rows enqueued during the run: per task, how many ran, their median and p95 duration
   (finished - started) and their lag (started - due).

One JSON document is printed and saved to benchmarks/results/load-<database>.json (or `--output`).
"""

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

from run import DATA, PG_SERVER, PYTHON, RESULTS, ROOT, child_env, ensure_company, machine, reset_database

PG_TEMPLATE = "ruche_load"
PG_RUN = "ruche_load_run"
KINDS = ("read", "react", "post")
REACTIONS = ("like", "bravo", "love", "insightful", "funny")


def template_url(database: str, employees: int, seed: int) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / f'load-{employees}-s{seed}.sqlite3'}"
    return f"{PG_SERVER}/{PG_TEMPLATE}"


def run_url(database: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{DATA / 'load-run.sqlite3'}"
    return f"{PG_SERVER}/{PG_RUN}"


def fresh_copy(database: str, template: str, target: str) -> None:
    """The generated company, untouched by earlier runs, at `target`."""
    if database == "sqlite":
        reset_database("sqlite", target)
        source = sqlite3.connect(template.removeprefix("sqlite:///"))
        copy = sqlite3.connect(target.removeprefix("sqlite:///"))
        with copy:
            source.backup(copy)  # consistent, WAL included
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        source.close()
        return
    import psycopg

    source, copy = template.rsplit("/", 1)[1], target.rsplit("/", 1)[1]
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{source}"')
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("ANALYZE")


# --- in the child process: Django set up against the run's copy ----------------------------------


FOLLOWS = (20, 80)  # the people signed in follow this many colleagues


def prepare(users: int) -> dict:
    """Sessions for `users` ordinary, recently seen people; colleagues to mention; hashtags."""
    from importlib import import_module

    from django.conf import settings
    from django.db.models import Count

    from ruche.accounts.models import User
    from ruche.posts.models import Hashtag
    from ruche.worker.models import Task

    low, high = FOLLOWS
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806
    people = list(
        User.objects.filter(is_active=True, is_staff=False, last_seen_at__isnull=False)
        .annotate(follows=Count("following_set", distinct=True))
        .filter(follows__gte=low, follows__lte=high)
        .order_by("-last_seen_at", "pk")[:users]
    )
    if len(people) < users:
        raise SystemExit(f"only {len(people)} people fit; a larger company is needed")
    sessions = []
    for user in people:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = "ruche.accounts.backends.ModelBackend"
        store["_auth_user_hash"] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    handles = list(User.objects.filter(is_active=True).order_by("?").values_list("handle", flat=True)[:200])
    tags = list(Hashtag.objects.order_by("-follower_count").values_list("name", flat=True)[:30])
    last = Task.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # What a browser that has shown a page sends: its session, and the CSRF cookie that page set.
    # Without it, every request would draw a new CSRF secret and set its cookie again.
    cookies = [f"sessionid={key}; csrftoken={secrets.token_hex(16)}" for key in sessions]
    return {
        "sessions": sessions,
        "cookies": cookies,
        "handles": handles,
        "tags": tags,
        "first_task": last + 1,
    }


def queue_sample() -> dict:
    """The queue now: due (waiting), running and deferred rows, overall and by task."""
    from django.db.models import Case, CharField, Count, Value, When
    from django.utils import timezone

    from ruche.worker.models import Task

    now = timezone.now()
    rows = (
        Task.objects.filter(status__in=[Task.Status.READY, Task.Status.RUNNING])
        .annotate(
            state=Case(
                When(status=Task.Status.RUNNING, then=Value("running")),
                When(run_after__lte=now, then=Value("due")),
                default=Value("deferred"),
                output_field=CharField(),
            )
        )
        .values("state", "task_path")
        .annotate(n=Count("pk"))
    )
    figures = {"due": 0, "running": 0, "deferred": 0, "by_task": {}}
    for row in rows:
        figures[row["state"]] += row["n"]
        if row["state"] != "deferred":
            name = row["task_path"].rsplit(".", 1)[-1]
            figures["by_task"][name] = figures["by_task"].get(name, 0) + row["n"]
    return figures


class Sampler(threading.Thread):
    """Reads the queue every `period` seconds until stopped."""

    def __init__(self, started: float, period: float = 1.0):
        super().__init__(name="sampler", daemon=True)
        self.started, self.period = started, period
        self.samples: list[dict] = []
        self.stopping = threading.Event()
        self.errors = 0

    def run(self) -> None:
        from django.db import DatabaseError, connection

        next_at = time.monotonic()
        while not self.stopping.is_set():
            try:
                figures = queue_sample()
            except DatabaseError:
                self.errors += 1
                connection.close()
            else:
                self.samples.append({"t": round(time.monotonic() - self.started, 1), **figures})
            next_at += self.period
            self.stopping.wait(max(next_at - time.monotonic(), 0))
        connection.close()

    def latest(self) -> dict | None:
        return self.samples[-1] if self.samples else None


class VirtualUser(threading.Thread):
    """One signed-in person: a kept-alive connection, a loop of reads, reactions and posts."""

    POST_ID = re.compile(rb'data-reactions-of="(\d+)"')
    CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')

    def __init__(self, n: int, port: int, session: str, plan: dict, deadline: float, started: float):
        super().__init__(name=f"user-{n}", daemon=True)
        self.port, self.plan, self.deadline, self.started = port, plan, deadline, started
        self.random = random.Random(plan["seed"] * 1000 + n)
        self.cookies = {"sessionid": session}
        self.csrf = ""
        self.posts: list[int] = []
        self.results: list[tuple[str, float, float, int]] = []  # kind, t (s), latency (ms), status
        self.failures: list[str] = []
        self.conn = None
        self.count = 0

    # HTTP ----------------------------------------------------------------------------------------

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "HX-Request": "true",
                    "X-CSRFToken": self.csrf,
                }
            )
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue  # the server closed a kept-alive connection: once more on a new one
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            return response.status, content
        raise AssertionError("unreachable")

    def read_home(self) -> int:
        status, content = self.request("GET", "/")
        if status == 200:
            self.posts = [int(pk) for pk in self.POST_ID.findall(content)] or self.posts
            if match := self.CSRF.search(content):
                self.csrf = match.group(1).decode()
        return status

    def react(self) -> int:
        if not self.posts:
            return self.read_home()
        pk = self.random.choice(self.posts)
        return self.request("POST", f"/posts/{pk}/react/", {
            "csrfmiddlewaretoken": self.csrf, "kind": self.random.choice(REACTIONS)})[0]  # fmt: skip

    def publish(self) -> int:
        self.count += 1
        words = [f"Point d'étape n° {self.count} de {self.name} : la livraison avance bien."]
        if self.random.random() < 1 / 3:
            words.append(f"Merci @{self.random.choice(self.plan['handles'])} !")
        if self.random.random() < 1 / 3 and self.plan["tags"]:
            words.append(f"#{self.random.choice(self.plan['tags'])}")
        form = {"csrfmiddlewaretoken": self.csrf, "body": " ".join(words), "client_token": str(uuid.uuid4())}
        return self.request("POST", "/posts/new/", form)[0]

    # The loop ------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        status = self.read_home()
        if status != 200:
            raise SystemExit(f"{self.name}: the home page answered {status} (signed in?)")

    def run(self) -> None:
        weights = self.plan["mix"]
        actions = {"read": self.read_home, "react": self.react, "post": self.publish}
        while (now := time.monotonic()) < self.deadline:
            kind = self.random.choices(KINDS, weights)[0]
            try:
                status = actions[kind]()
            except OSError as exc:
                status = 0
                self.failures.append(f"{kind}: {exc!r}")
            self.results.append((kind, now - self.started, (time.monotonic() - now) * 1000, status))
        if self.conn is not None:
            self.conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`manage.py serve` in its own process group; its output in benchmarks/data/."""

    def __init__(self, tree: Path, task_workers: int, extra_env: dict, log: Path, workers: int = 0):
        self.port = free_port()
        command = [PYTHON, "manage.py", "serve", "--port", str(self.port)]
        if workers:
            command += ["--workers", str(workers)]
        if task_workers:
            command += ["--task-workers", str(task_workers)]
        self.start(command, tree, {**os.environ, **extra_env, "PYTHONPATH": str(tree)}, log)

    ready_path = "/health/"

    def start(self, command: list[str], cwd: Path, env: dict, log: Path) -> None:
        """Run `command` in its own process group until it answers 200 at `ready_path`."""
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command, cwd=cwd, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            self.wait_ready(log)
        except BaseException:  # Ctrl+C while starting too: no server left behind
            self.stop()
            raise

    def wait_ready(self, log: Path) -> None:
        name = " ".join(self.process.args[1:3])  # manage.py serve, -m granian
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{name} exited with {self.process.returncode}: see {log}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", self.ready_path)
                if conn.getresponse().status == 200:
                    conn.close()
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"{name} did not answer on port {self.port}: see {log}")

    def processes(self) -> dict[int, str]:
        """serve's descendants: pid -> command line."""
        found, todo = {}, [self.process.pid]
        while todo:
            pid = todo.pop()
            try:
                found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
                for task in Path(f"/proc/{pid}/task").glob("*/children"):
                    todo += [int(child) for child in task.read_text().split()]
            except OSError:
                continue
        return found

    def cpu_seconds(self) -> dict:
        """Processor time so far of the web server (granian and its workers) and of each task worker:
        on a processor (`cpu`), and runnable but waiting for one (`waiting`, from schedstat)."""
        web, workers = {"cpu": 0.0, "waiting": 0.0}, []
        for pid, command in self.processes().items():
            cpu = waiting = 0.0
            for thread in Path(f"/proc/{pid}/task").glob("*/schedstat"):
                try:
                    on, wait, _slices = thread.read_text().split()
                except (OSError, ValueError):
                    continue
                cpu, waiting = cpu + int(on) / 1e9, waiting + int(wait) / 1e9
            if "granian" in command:
                web["cpu"] += cpu
                web["waiting"] += waiting
            elif "manage.py worker" in command:
                workers.append({"cpu": round(cpu, 1), "waiting": round(waiting, 1)})
        web = {k: round(v, 1) for k, v in web.items()}
        return {"web": web, "task_workers": sorted(workers, key=lambda w: -w["cpu"])}

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        # The leader gone, granian's workers have been seen to linger when stopped under load (they
        # ignore SIGTERM): a few seconds to finish, then the rest of the group is killed.
        deadline = time.monotonic() + 10
        while self.group_alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        if self.group_alive():
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True


def percentiles(samples: list[float]) -> dict:
    if len(samples) < 2:
        return {"n": len(samples)}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(cuts[94], 1),
        "p99_ms": round(cuts[98], 1),
        "max_ms": round(max(samples), 1),
    }


def task_figures(first_task: int, started_at: datetime, drained_at: datetime) -> dict:
    """From the rows enqueued during the run: per task, how many ran, how long, how late."""
    from ruche.worker.models import Task

    rows = Task.objects.filter(pk__gte=first_task).values_list(
        "task_path", "status", "enqueued_at", "run_after", "started_at", "finished_at"
    )
    kinds: dict[str, dict] = {}
    finished_in_window = 0
    for path, status, _enqueued, run_after, started, finished in rows:
        entry = kinds.setdefault(
            path.rsplit(".", 1)[-1], {"enqueued": 0, "statuses": {}, "run": [], "lag": []}
        )
        entry["enqueued"] += 1
        entry["statuses"][status] = entry["statuses"].get(status, 0) + 1
        if status == Task.Status.SUCCEEDED and started and finished:
            entry["run"].append((finished - started).total_seconds() * 1000)
            entry["lag"].append(max((started - run_after).total_seconds(), 0))
            finished_in_window += started_at <= finished <= drained_at
    result = {}
    for name, entry in sorted(kinds.items(), key=lambda item: -item[1]["enqueued"]):
        runs, lags = entry["run"], entry["lag"]
        result[name] = {
            "enqueued": entry["enqueued"],
            "statuses": entry["statuses"],
            "ran": len(runs),
            "run_p50_ms": round(statistics.median(runs), 1) if runs else None,
            "run_p95_ms": round(statistics.quantiles(runs, n=20)[18], 1) if len(runs) > 1 else None,
            "run_total_s": round(sum(runs) / 1000, 1),
            "lag_p50_s": round(statistics.median(lags), 2) if lags else None,
            "lag_p95_s": round(statistics.quantiles(lags, n=20)[18], 2) if len(lags) > 1 else None,
            "lag_max_s": round(max(lags), 1) if lags else None,
        }
    return {"by_task": result, "finished_in_window": finished_in_window}


def summarise_series(samples: list[dict], seconds: float) -> dict:
    """The queue length (due + running) over time: the series, its maximum, and a few points."""
    series = [[s["t"], s["due"] + s["running"], s["deferred"]] for s in samples]
    during = [length for t, length, _d in series if t <= seconds]
    return {
        "columns": ["t_s", "waiting_and_running", "deferred"],
        "series": series,
        "max": max((length for _t, length, _d in series), default=0),
        "max_during_load": max(during, default=0),
        "median_during_load": statistics.median(during) if during else 0,
        "at_end_of_load": during[-1] if during else 0,
        "max_deferred": max((d for _t, _l, d in series), default=0),
        "peak_by_task": max(samples, key=lambda s: s["due"] + s["running"])["by_task"] if samples else {},
    }


def measure(args) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from ruche.accounts.models import User
    from ruche.worker.models import Task

    plan = prepare(args.users)
    plan.update(seed=args.seed, mix=[int(x) for x in args.mix.split("/")])
    extra_env = dict(item.split("=", 1) for item in args.env)
    tree = Path(args.tree).resolve() if args.tree else ROOT
    log = DATA / f"load-serve-{connection.vendor}.log"
    connection.close()
    load_before = os.getloadavg()
    server = Server(tree, args.task_workers, extra_env, log)
    try:
        started = time.monotonic()
        users = [
            VirtualUser(n, server.port, key, plan, started + args.seconds, started)
            for n, key in enumerate(plan["sessions"])
        ]
        for user in users:
            user.warm_up()
        started = time.monotonic()
        started_at = timezone.now()
        for user in users:
            user.started, user.deadline = started, started + args.seconds
        sampler = Sampler(started)
        sampler.start()
        for user in users:
            user.start()
        for user in users:
            user.join()
        stopped = time.monotonic()
        load_during = os.getloadavg()
        cpu_during = server.cpu_seconds()
        # Drained: nothing due nor running, twice in a row (a sweep enqueued by the scheduler may
        # just have been taken).
        drained = None
        quiet = 0
        cap = stopped + args.drain_cap
        while time.monotonic() < cap:
            time.sleep(0.25)
            latest = sampler.latest()
            if latest and latest["t"] >= stopped - started and latest["due"] + latest["running"] == 0:
                quiet += 1
                if quiet >= 2:
                    drained = time.monotonic()
                    break
            else:
                quiet = 0
        sampler.stopping.set()
        sampler.join()
        drained_at = timezone.now()
        cpu_total = server.cpu_seconds()
        workers = len(cpu_total["task_workers"])
    finally:
        server.stop()
    results = [r for user in users for r in user.results]
    failures = [f for user in users for f in user.failures]
    elapsed = stopped - started
    by_kind = {}
    for kind in KINDS:
        mine = [r for r in results if r[0] == kind]
        by_kind[kind] = {
            **percentiles([r[2] for r in mine]),
            "rps": round(len(mine) / elapsed, 2),
            "statuses": {str(s): sum(1 for r in mine if r[3] == s) for s in sorted({r[3] for r in mine})},
        }
    tasks = task_figures(plan["first_task"], started_at, drained_at)
    enqueued = sum(t["enqueued"] for t in tasks["by_task"].values())
    drain_s = round(drained - stopped, 1) if drained else None
    window = (drained or time.monotonic()) - started
    return {
        "database": connection.vendor,
        "server_version": connection.pg_version if connection.vendor == "postgresql" else None,
        "people": User.objects.count(),
        "users": args.users,
        "mix": dict(zip(KINDS, plan["mix"], strict=True)),
        "seconds": round(elapsed, 1),
        "task_workers": workers,
        "tree": str(tree),
        "env": extra_env,
        "requests": len(results),
        "rps": round(len(results) / elapsed, 2),
        "by_kind": by_kind,
        "errors_5xx": sum(1 for r in results if r[3] >= 500),
        "errors_other": sum(1 for r in results if r[3] == 0 or 400 <= r[3] < 500),
        "failures_sample": failures[:5],
        "queue": summarise_series(sampler.samples, elapsed),
        "drain_seconds": drain_s,
        "drain_cap_seconds": args.drain_cap,
        "tasks": {
            "enqueued": enqueued,
            "enqueued_per_second_of_load": round(enqueued / elapsed, 2),
            "per_request_written": round(
                enqueued / max(1, sum(by_kind[k]["n"] for k in ("react", "post"))), 2
            ),
            "run_per_second": round(tasks["finished_in_window"] / window, 2),
            "left_waiting": Task.objects.filter(pk__gte=plan["first_task"], status=Task.Status.READY).count(),
            "by_task": tasks["by_task"],
        },
        "cpu_seconds": {"during_load": cpu_during, "until_drained": cpu_total},
        "load_average": {
            "before": [round(x, 2) for x in load_before],
            "end_of_load": [round(x, 2) for x in load_during],
        },
        "settings": {"TASKS_LEASE_SECONDS": settings.TASKS_LEASE_SECONDS},
        "sampler_errors": sampler.errors,
    }


# --- orchestration ----------------------------------------------------------------------------------


def run_one(database: str, args) -> dict:
    template = template_url(database, args.employees, args.seed)
    generation = ensure_company(
        database, args.employees, args.seed, args.rebuild, url=template, name=f"load-{database}"
    )
    target = run_url(database)
    fresh_copy(database, template, target)
    command = [PYTHON, __file__, "--measure", f"--users={args.users}", f"--seconds={args.seconds}",
               f"--mix={args.mix}", f"--task-workers={args.task_workers}", f"--seed={args.seed}",
               f"--drain-cap={args.drain_cap}"]  # fmt: skip
    command += [f"--env={item}" for item in args.env] + ([f"--tree={args.tree}"] if args.tree else [])
    info = machine()  # before the load: the calibration loop is not disturbed by it
    done = subprocess.run(  # noqa: S603 (our own interpreter and arguments)
        command, cwd=ROOT, env=child_env(target), check=True, stdout=subprocess.PIPE, text=True
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        employees=args.employees,
        seed=args.seed,
        generation_seconds=generation,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=info,
        command=" ".join(["benchmarks/load.py", *sys.argv[1:]]),
        commit=subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=args.tree or ROOT, capture_output=True, text=True
        ).stdout.strip(),
    )
    output = Path(args.output.replace("{database}", database)) if args.output else None
    output = output or RESULTS / f"load-{database}.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    if database == "sqlite" and not args.keep:
        for leftover in DATA.glob("load-run.sqlite3*"):
            leftover.unlink()
    return result


def brief(result: dict) -> str:
    kinds = ", ".join(
        f"{k} {v.get('p50_ms')}/{v.get('p95_ms')}/{v.get('p99_ms')} ms" for k, v in result["by_kind"].items()
    )
    return (
        f"{result['database']}: {result['task_workers']} workers, {result['rps']} rps ({kinds}), "
        f"5xx {result['errors_5xx']}, other errors {result['errors_other']}; queue max "
        f"{result['queue']['max']}, at end of load {result['queue']['at_end_of_load']}, drained in "
        f"{result['drain_seconds']} s; {result['tasks']['enqueued']} tasks enqueued, "
        f"{result['tasks']['run_per_second']}/s run; load average {result['load_average']['end_of_load'][0]}"
    )


def chart(paths: list[str], step: float = 5.0) -> str:
    """The queue length (waiting + running) of saved runs as sparklines on one scale: one character
    per `step` seconds (the largest sample in it), load then drain (`|` where the load stopped)."""
    bars = " ▁▂▃▄▅▆▇█"
    runs = [(Path(p).name, json.loads(Path(p).read_text())) for p in paths]
    top = max(r["queue"]["max"] for _name, r in runs) or 1
    lines = [f"one character = {step:g} s; full bar = {top} tasks"]
    for name, result in runs:
        cells: dict[int, int] = {}
        for t, length, _deferred in result["queue"]["series"]:
            cells[int(t // step)] = max(cells.get(int(t // step), 0), length)
        stop = int(result["seconds"] // step)
        line = "".join(
            ("|" if n == stop else "") + bars[math.ceil(cells.get(n, 0) / top * (len(bars) - 1))]
            for n in range(max(cells, default=0) + 1)
        )
        lines.append(
            f"{name:<28} {line} max {result['queue']['max']}, drained in {result['drain_seconds']} s"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--employees", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--mix", default="60/30/10", help="read/react/post weights")
    parser.add_argument("--task-workers", type=int, default=0, help="0: serve's own default")
    parser.add_argument("--drain-cap", type=float, default=600, help="seconds to wait for the queue to empty")
    parser.add_argument("--tree", help="serve another checkout of Ruche (same schema) under the same load")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for serve (repeatable)")
    parser.add_argument("--output", help="where to save the JSON ({database} is replaced)")
    parser.add_argument("--keep", action="store_true", help="keep the run's SQLite copy (benchmarks/data/)")
    parser.add_argument("--rebuild", action="store_true", help="generate the company again even if present")
    parser.add_argument("--chart", nargs="+", metavar="JSON", help="print saved runs' queues as sparklines")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.chart:
        print(chart(args.chart))
        return
    if args.measure:
        print(json.dumps(measure(args)))
        return
    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    results = {}
    for database in databases:
        results[database] = run_one(database, args)
        print(brief(results[database]), file=sys.stderr, flush=True)
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
