"""CPU per request inside a web process: Django's WSGI handler called as granian calls it.

    .venv/bin/python benchmarks/request_cpu.py [--paths /,/api/ruche/v1/feed/] [--people 50]
        [--rounds 5] [--database sqlite|postgres] [--employees 10000]
        [--profile cumulative|tottime] [--profile-lines 45] [--phases module:name,...] [--queries]

What the throughput benchmark cannot say: where a request's time goes. One process, no server,
no load generator: the company (generated once, as benchmarks/run.py does) copied, `--people`
people signed in, each path asked once per person to warm up, then `--rounds` times per person in
turn; the median of `time.process_time()` per request is printed, with the garbage collector's
share. `--profile` prints cProfile's 45 heaviest functions (the figures then count the profiler too).
`--phases` times named functions without a profiler's overhead: each `module:name` is replaced, in
its module, by a wrapper that adds up its CPU time; each one's mean per request is printed, e.g.
`--phases ruche.web.views:feed_for,ruche.web.views:home_suggestions,ruche.web.jinja:draw`.
"""

import argparse
import gc
import io
import os
import statistics
import subprocess
import sys
import time

from load import fresh_copy, prepare
from run import DATA, PG_SERVER, child_env, database_url, drop_database, ensure_company


def measure(args) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.wsgi import get_wsgi_application

    from ruche.core.serving import settle_web_process

    cookies = prepare(args.people)["cookies"]
    application = get_wsgi_application()
    settle_web_process()  # as the server's processes do
    collected = [0.0]
    started = [0.0]

    pauses: dict[int, list[float]] = {}  # generation: each collection's CPU, ms

    def timed_collections(phase, info):
        if phase == "start":
            started[0] = time.process_time()
        else:
            collected[0] += time.process_time() - started[0]
            pauses.setdefault(info["generation"], []).append((time.process_time() - started[0]) * 1000)

    gc.callbacks.append(timed_collections)
    phases = timed_phases(args.phases.split(",") if args.phases else [])
    for path in args.paths.split(","):
        for cookie in cookies:
            call(application, path, cookie)
        if args.queries:
            show_queries(application, path, cookies[0])
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        collected[0], times = 0.0, []
        pauses.clear()
        for spent in phases.values():
            spent[0] = 0.0
        for _ in range(args.rounds):
            for cookie in cookies:
                before = time.process_time()
                call(application, path, cookie)
                times.append((time.process_time() - before) * 1000)
        if profiler is not None:
            import pstats

            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.profile).print_stats(args.profile_lines)
        print(
            f"{path}: median {statistics.median(times):.2f} ms CPU, mean {statistics.mean(times):.2f}, "
            f"garbage collector {collected[0] * 1000 / len(times):.2f} ms a request, n={len(times)}"
        )
        for generation, spent in sorted(pauses.items()):
            print(f"    collections of generation {generation}: {len(spent)}, longest {max(spent):.2f} ms")
        for name, spent in phases.items():
            print(f"    {name}: mean {spent[0] * 1000 / len(times):.2f} ms a request")


def timed_phases(names: list[str]) -> dict:
    """Replace each `module:name` by a wrapper adding its CPU time up (nested calls count once)."""
    import functools
    import importlib

    phases = {}
    for dotted in names:
        module_name, name = dotted.split(":")
        module = importlib.import_module(module_name)
        function, spent, depth = getattr(module, name), [0.0], [0]

        @functools.wraps(function)
        def wrapper(*args, _function=function, _spent=spent, _depth=depth, **kwargs):
            _depth[0] += 1
            before = time.process_time()
            try:
                return _function(*args, **kwargs)
            finally:
                _depth[0] -= 1
                if not _depth[0]:
                    _spent[0] += time.process_time() - before

        setattr(module, name, wrapper)
        phases[dotted] = spent
    return phases


def show_queries(application, path: str, cookie: str) -> None:
    """Print the SQL one warm request runs, with each statement's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call(application, path, cookie)
    print(f"{path}: {len(captured)} queries")
    for query in captured:
        print(f"  {query['time']} s  {query['sql'][:400]}")


def call(application, path: str, cookie: str) -> bytes:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "localhost",
        "SERVER_PORT": "8000", "HTTP_HOST": "localhost:8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "HTTP_COOKIE": cookie, "HTTP_ACCEPT": "text/html",
    }  # fmt: skip
    status = []
    answer = application(environ, lambda line, headers, *rest: status.append(line))
    body = b"".join(answer)
    answer.close()  # as a server does: request_finished and what hangs on it
    if not status[0].startswith("200"):
        raise SystemExit(f"{path} answered {status[0]}: {body[:300]!r}")
    return body


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--paths", default="/?order=recent,/api/ruche/v1/feed/?order=recent,/health/")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--profile", choices=["cumulative", "tottime"])
    parser.add_argument("--profile-lines", type=int, default=45, help="how many functions --profile prints")
    parser.add_argument("--phases", help="comma-separated module:function to time, e.g. ruche.web.jinja:draw")
    parser.add_argument("--queries", action="store_true", help="print the SQL of one request per path")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args)
        return
    ensure_company(args.database, args.employees, args.seed, False)
    copy = (
        f"sqlite:///{DATA / f'request-cpu-{args.employees}.sqlite3'}"
        if args.database == "sqlite"
        else f"{PG_SERVER}/ruche_request_cpu_{args.employees}"
    )
    fresh_copy(args.database, database_url(args.database, args.employees, args.seed), copy)
    try:
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [sys.executable, __file__, *sys.argv[1:], "--measure"], env=child_env(copy), check=True
        )
    finally:
        drop_database(args.database, copy)


if __name__ == "__main__":
    main()
