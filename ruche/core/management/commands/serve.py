"""`make run`: the web server (ASGI: pages and the realtime stream), the task workers and the scheduler
together, supervised: a process that dies is restarted (with backoff, logged), never the end of the
site. Ctrl+C or SIGTERM stops them all."""

import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand

from ruche.core.periodic import periodic_ticks

log = logging.getLogger("ruche.serve")
STABLE_SECONDS = 60  # a process that ran this long before dying is restarted at once
MAX_BACKOFF = 30


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    restart_at: float = 0.0
    failures: int = 0
    restarts: int = 0

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, preexec_fn=_die_with_parent)  # noqa: S603 (our own interpreter and arguments)
        self.started = time.monotonic()

    def check(self, now: float) -> None:
        """Restart the process if it died: at once after a long run, else after a growing pause."""
        if self.process is None:
            if now >= self.restart_at:
                self.restarts += 1
                log.warning("restarting %s (restart %s)", self.name, self.restarts)
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        self.failures = 0 if now - self.started >= STABLE_SECONDS else self.failures + 1
        pause = min(2 ** (self.failures - 1), MAX_BACKOFF) if self.failures else 0
        log.error(
            "%s (pid %s) exited with code %s; restarting in %s s", self.name, self.process.pid, code, pause
        )
        self.process, self.restart_at = None, now + pause

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait(self) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _die_with_parent() -> None:
    """In the child, before it runs: on Linux, be sent SIGTERM when `serve` dies, even by `kill -9`,
    so that a restarted `serve` finds its port free and no orphan worker runs on. Elsewhere a
    supervisor (systemd, a container) stops the whole group."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PR_SET_PDEATHSIG = 1


def default_task_workers() -> int:
    """RUCHE_TASK_WORKERS, else four on SQLite and one per core, at least four, on PostgreSQL
    (measured in docs/performance.md, "Keeping up"). A worker is often not running: on SQLite it
    waits for the file's one write lock, which the web's writes hold too; on a machine shared
    with other work it waits for a processor, which the web's many threads take before it. Under
    the 60/30/10 load, two workers let the queue grow by a few tasks a second (SQLite; PostgreSQL
    when the machine was busy); four kept it short on both. An idle worker costs a read every
    quarter of a second."""
    if settings.TASK_WORKERS:
        return settings.TASK_WORKERS
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return 4
    return max(4, os.cpu_count() or 1)


class Command(BaseCommand):
    help = "Run the web server (granian), the task workers and the scheduler, restarting any that dies."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="web worker processes")
        parser.add_argument(
            "--task-workers", type=int, default=0, help="task workers (0: RUCHE_TASK_WORKERS)"
        )

    def handle(self, *args, host, port, workers, task_workers: int, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        python = sys.executable
        # Links in e-mails (written by the workers) point at this server unless the site URL is set.
        shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 (a name, not a bind)
        os.environ.setdefault("RUCHE_SITE_URL", f"http://{shown}:{port}")
        # ASGI, for the realtime stream; ordinary pages still run as WSGI, in threads (config/asgi.py).
        # Each open stream is a request in flight: backpressure must allow thousands of them.
        web = [
            python, "-m", "granian", "--interface", "asgi", "config.asgi:application",
            "--host", host, "--port", str(port), "--workers", str(workers),
            "--backlog", "4096", "--backpressure", str(settings.REALTIME_MAX_STREAMS),
            "--respawn-failed-workers", "--respawn-interval", "1",
        ]  # fmt: skip
        count = task_workers or default_task_workers()
        children = [Child("web server", web)] + [
            Child(f"task worker {n + 1}", [python, "manage.py", "worker"]) for n in range(count)
        ]
        for child in children:
            child.start()
        self.stdout.write(self.style.SUCCESS(f"\n  Ruche is running on http://{host}:{port}/\n"))
        self.stdout.write(f"  Database: {settings.DATABASES['default']['NAME']}; {count} task workers")
        self.stdout.write("  Demo log-in: admin@ruche.example (or any colleague) / password ruche-demo-2026")
        self.stdout.write("  Stop with Ctrl+C.\n")

        stopping = []
        signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
        # The apps' periodic jobs (ruche/core/periodic.py): the e-mail sweep and the digests.
        ticks = periodic_ticks() if settings.SCHEDULER_ENABLED else []
        try:
            while not stopping:
                time.sleep(0.5)
                now = time.monotonic()
                for child in children:
                    child.check(now)
                for tick in ticks:
                    tick()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                child.stop()
            for child in children:
                child.wait()
