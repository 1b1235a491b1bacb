"""`manage.py worker`: claim and run tasks until stopped (SIGTERM finishes the task in hand).

Run as many as the machine needs, on one machine or many: they never take the same task."""

import logging

from django.core.management.base import BaseCommand

from ruche.worker.runner import Worker, run_due


class Command(BaseCommand):
    help = "Run background tasks from the task table until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--queue", action="append", dest="queues", help="queue to serve (repeatable)")
        parser.add_argument("--interval", type=float, default=0.25, help="seconds between polls when idle")
        parser.add_argument("--max-tasks", type=int, default=0, help="stop after this many (0: never)")
        parser.add_argument("--drain", action="store_true", help="run what is due now, then exit")

    def handle(self, *args, queues, interval, max_tasks, drain, **options):
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
        if drain:
            self.stdout.write(f"{run_due()} task(s) run")
            return
        Worker(queues=queues, interval=interval, max_tasks=max_tasks).run()
