"""Realtime and serving, measured against real granian servers on this machine.

    .venv/bin/python benchmarks/realtime.py [--connections 2000] [--samples 200] \
        [--broadcaster database|redis|both] [--serving-seconds 5] [--rounds 3] [--skip-serving]

1. SSE capacity and latency, for each broadcaster: one app process (granian, 1 worker, the ASGI
   entry point of `manage.py serve`) on a file SQLite database; `--connections` signed-in streams
   opened from this process (asyncio sockets); the server's memory (RSS of its processes) before
   and after, per connection; its CPU while holding them idle; then delivery latency: events
   published by this process (a separate process from the server, like the task worker), stamped
   just before the insert, timed when a client reads them. Single-recipient events to random
   clients, then feed events fanned out to every client at once.
2. Serving ordinary pages, in one run, in alternating rounds: granian WSGI (config.wsgi), granian
   ASGI with Django's handler (config.asgi:django_application) and granian ASGI with the hybrid
   entry point (config.asgi:application: /events/ async, the rest WSGI in threads). /health/ and
   the signed-in home page, 8 keep-alive clients (threads here). Requests per second depend on the
   load of the machine (shared, 2 cores, the client runs on it too): CPU milliseconds per request
   of the server processes are recorded too, and medians of the rounds are kept.

JSON goes to benchmarks/results/realtime.json.
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from run import RESULTS, machine, percentiles  # noqa: E402

from tests.realtime.servers import AppServer, base_env, manage, run_python  # noqa: E402

REDIS_URL = os.environ.get("RUCHE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CLOCK = os.sysconf("SC_CLK_TCK")

PEOPLE = """
from django.contrib.sessions.models import Session
from datetime import timedelta
n = {n}
now = timezone.now()
users = User.objects.bulk_create(
    [User(email=f"u{{i}}@bench.example", handle=f"bench{{i}}", first_name="Bench", last_name=str(i),
          activated_at=now, last_seen_at=now, feed_built_at=now, language="en", password="!")
     for i in range(n)]
)
Profile.objects.bulk_create([Profile(user=u) for u in users])
store = SessionStore()
rows, keys = [], []
for u in users:
    key = uuid.uuid4().hex
    data = {{"_auth_user_id": str(u.pk), "_auth_user_backend": "ruche.accounts.backends.ModelBackend",
             "_auth_user_hash": u.get_session_auth_hash()}}
    rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=now + timedelta(days=1)))
    keys.append([u.pk, key])
Session.objects.bulk_create(rows)
# A home feed to draw: the first person follows the second, who wrote 30 posts.
from ruche.posts.services import post_create
user_follow(follower=users[0], followed=users[1])
for i in range(30):
    post_create(author=users[1], body=f"Bench post {{i}} about #logistics and the new dock")
print(json.dumps(keys))
"""


def cpu_seconds(pids) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK


def rss_mib(pids) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def prepare(directory: Path, people: int, **env_extra) -> tuple[dict, list]:
    env = base_env(directory, **env_extra)
    manage(env, "migrate", "--no-input", "-v0")
    keys = run_python(env, "import uuid\n" + PEOPLE.format(n=people))
    return env, keys


# -- 1. SSE -----------------------------------------------------------------------------------


class Clients:
    def __init__(self, port: int):
        self.port = port
        self.received: dict[str, list[float]] = {}
        self.ready = 0
        self.writers = []

    async def open(self, key: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
        self.writers.append(writer)
        writer.write(
            f"GET /events/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid={key}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        asyncio.get_running_loop().create_task(self._read(reader))

    async def _read(self, reader) -> None:
        kind = ""
        while line := await reader.readline():
            text = line.decode().strip()
            if text.startswith("event: "):
                kind = text[7:]
                if kind == "ready":
                    self.ready += 1
            elif text.startswith("data: ") and kind == "bench":
                now = time.time()
                data = json.loads(text[6:])
                self.received.setdefault(data["tag"], []).append((now - data["t"]) * 1000)

    def close(self) -> None:
        for writer in self.writers:
            writer.close()


async def wait_until(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def measure_streams(server: AppServer, keys: list, samples: int) -> dict:
    from asgiref.sync import sync_to_async

    from ruche.realtime.services import event_publish

    publish = sync_to_async(event_publish, thread_sensitive=False)
    clients = Clients(server.port)
    await clients.open(keys[0][1])
    await wait_until(lambda: clients.ready == 1, 30)
    await asyncio.sleep(1)
    base_rss = rss_mib(server.pids())
    started = time.monotonic()
    for start in range(1, len(keys), 100):  # opened in waves, as a morning of log-ins would
        await asyncio.gather(*(clients.open(key) for _pk, key in keys[start : start + 100]))
    opened = await wait_until(lambda: clients.ready >= len(keys), 300)
    open_seconds = time.monotonic() - started
    await asyncio.sleep(2)
    rss = rss_mib(server.pids())
    cpu0 = cpu_seconds(server.pids())
    await asyncio.sleep(10)
    idle_cpu = (cpu_seconds(server.pids()) - cpu0) / 10
    ids = [pk for pk, _key in keys]
    for i in range(samples):
        await publish(type="bench", data={"tag": f"one-{i}", "t": time.time()}, user_ids=[random.choice(ids)])
        await asyncio.sleep(0.02)
    fan_outs = 5
    for i in range(fan_outs):
        await publish(type="bench", data={"tag": f"all-{i}", "t": time.time()}, user_ids=ids)
        await asyncio.sleep(1)
    await wait_until(
        lambda: sum(len(v) for v in clients.received.values()) >= samples + fan_outs * len(ids), 30
    )
    one = [v[0] for k, v in clients.received.items() if k.startswith("one-")]
    everyone = [ms for k, v in clients.received.items() if k.startswith("all-") for ms in v]
    last = [max(v) for k, v in clients.received.items() if k.startswith("all-")]
    clients.close()
    return {
        "connections_open": clients.ready,
        "all_opened": opened,
        "open_seconds": round(open_seconds, 1),
        "rss_mib_one_connection": round(base_rss, 1),
        "rss_mib_all": round(rss, 1),
        "kib_per_connection": round((rss - base_rss) * 1024 / max(clients.ready - 1, 1), 1),
        "idle_cpu_percent_holding_all": round(idle_cpu * 100, 1),
        "single_recipient_latency_ms": {**percentiles(one), "delivered": len(one), "sent": samples},
        "fan_out_to_all_latency_ms": {
            **percentiles(everyone),
            "delivered": len(everyone),
            "sent": fan_outs * len(ids),
        },
        "fan_out_last_client_ms": [round(x, 1) for x in last],
    }


def run_streams(broadcaster: str, connections: int, samples: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        extra = {"RUCHE_REALTIME_BROADCASTER": broadcaster}
        if broadcaster == "redis":
            extra |= {
                "RUCHE_REDIS_URL": REDIS_URL,
                "RUCHE_REALTIME_REDIS_PREFIX": f"bench-{uuid.uuid4().hex[:8]}",
            }
        env, keys = prepare(Path(tmp), connections, **extra)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
        import django
        from django.conf import settings

        if not settings.configured:
            django.setup()
        else:  # second broadcaster in the same process
            settings.DATABASES["default"]["NAME"] = env["RUCHE_DATABASE_URL"].removeprefix("sqlite:///")
            settings.REALTIME_BROADCASTER = broadcaster
            settings.REDIS_URL = extra.get("RUCHE_REDIS_URL", "")
            settings.REALTIME_REDIS_PREFIX = extra.get("RUCHE_REALTIME_REDIS_PREFIX", "ruche")
            from django.db import connections as dbs

            dbs.close_all()
            from ruche.realtime.broadcast import get_broadcaster

            get_broadcaster.cache_clear()
        server = AppServer(env, extra=["--backpressure", str(connections + 100), "--backlog", "4096"])
        try:
            return asyncio.run(measure_streams(server, keys, samples))
        finally:
            server.stop()


# -- 2. Serving -------------------------------------------------------------------------------

SETUPS = {
    "wsgi": {"interface": "wsgi", "target": "config.wsgi:application", "extra": ["--blocking-threads", "8"]},
    "asgi_django": {"interface": "asgi", "target": "config.asgi:django_application", "extra": []},
    "asgi_hybrid": {"interface": "asgi", "target": "config.asgi:application", "extra": []},
}


def hammer(port: int, path: str, cookie: str, seconds: float, concurrency: int = 8) -> dict:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors[0] += 1
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"requests": len(latencies), "errors": errors[0], "latencies": latencies}


def run_serving(seconds: float, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env, keys = prepare(Path(tmp), 2)
        cookie = f"sessionid={keys[0][1]}"
        servers = {name: AppServer(env, **setup) for name, setup in SETUPS.items()}
        found: dict = {name: {"/health/": [], "/": []} for name in SETUPS}
        try:
            for server in servers.values():  # warm up: imports, templates, connections
                hammer(server.port, "/", cookie, 1)
            for _round in range(rounds):
                for path in ("/health/", "/"):
                    for name, server in servers.items():
                        pids = server.pids()
                        cpu0 = cpu_seconds(pids)
                        got = hammer(server.port, path, cookie, seconds)
                        cpu = cpu_seconds(pids) - cpu0
                        found[name][path].append(
                            {
                                "rps": got["requests"] / seconds,
                                "p50_ms": statistics.median(got["latencies"]),
                                "p95_ms": statistics.quantiles(got["latencies"], n=20)[-1],
                                "cpu_ms_per_request": cpu * 1000 / max(got["requests"], 1),
                                "errors": got["errors"],
                            }
                        )
        finally:
            for server in servers.values():
                server.stop()
    summary = {}
    for name, paths in found.items():
        summary[name] = {
            path: {
                key: round(statistics.median(r[key] for r in runs), 2)
                for key in ("rps", "p50_ms", "p95_ms", "cpu_ms_per_request", "errors")
            }
            for path, runs in paths.items()
        }
    return {"seconds_per_round": seconds, "rounds": rounds, "concurrency": 8, "medians": summary}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=2000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--broadcaster", choices=["database", "redis", "both"], default="both")
    parser.add_argument("--serving-seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-serving", action="store_true")
    parser.add_argument("--skip-streams", action="store_true")
    args = parser.parse_args()
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["benchmarks/realtime.py", *sys.argv[1:]]),
        "machine": machine(),
        "load_average": os.getloadavg(),
    }
    if not args.skip_serving:
        result["serving"] = run_serving(args.serving_seconds, args.rounds)
        print(json.dumps(result["serving"], indent=2), flush=True)
    if not args.skip_streams:
        broadcasters = ["database", "redis"] if args.broadcaster == "both" else [args.broadcaster]
        result["streams"] = {}
        for name in broadcasters:
            result["streams"][name] = run_streams(name, args.connections, args.samples)
            print(name, json.dumps(result["streams"][name], indent=2), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "realtime.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
