"""`make run`: the web server (ASGI: pages and the realtime stream), the task worker and the scheduler
together, stopped together with Ctrl+C."""

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

from ruche.notifications.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the web server (granian) and the task worker (db_worker) until interrupted."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1)

    def handle(self, *args, host, port, workers, **options):
        python = sys.executable
        # ASGI, for the realtime stream; ordinary pages still run as WSGI, in threads (config/asgi.py).
        # Each open stream is a request in flight: backpressure must allow thousands of them.
        web = [
            python, "-m", "granian", "--interface", "asgi", "config.asgi:application",
            "--host", host, "--port", str(port), "--workers", str(workers),
            "--backlog", "4096", "--backpressure", str(settings.REALTIME_MAX_STREAMS),
        ]  # fmt: skip
        worker = [python, "manage.py", "db_worker", "--interval", "0.5"]
        processes = [subprocess.Popen(worker), subprocess.Popen(web)]  # noqa: S603 (our own interpreter)
        self.stdout.write(self.style.SUCCESS(f"\n  Ruche is running on http://{host}:{port}/\n"))
        self.stdout.write(f"  Database: {settings.DATABASES['default']['NAME']}")
        self.stdout.write("  Demo log-in: admin@ruche.example (or any colleague) / password ruche-demo-2026")
        self.stdout.write("  Stop with Ctrl+C.\n")

        def stop(*_args):
            for process in processes:
                if process.poll() is None:
                    process.terminate()

        signal.signal(signal.SIGTERM, stop)
        # E-mail sweep every minute and the digests at their hour (ruche/notifications/scheduler.py).
        scheduler = Scheduler() if settings.SCHEDULER_ENABLED else None
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
                if scheduler:
                    scheduler.tick()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
