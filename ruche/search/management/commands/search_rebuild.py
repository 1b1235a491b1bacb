"""`manage.py search_rebuild`: build the whole search index again, kind by kind, in batches."""

import time

from django.core.management.base import BaseCommand

from ruche.search.documents import BATCH, INDEXED
from ruche.search.services import search_rebuild


class Command(BaseCommand):
    help = "Empty and rebuild the search index (posts, replies, people, communities, hashtags)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--kind", action="append", choices=[k.value for k in INDEXED], help="Only this kind (repeatable)."
        )
        parser.add_argument("--batch", type=int, default=BATCH, help=f"Documents per transaction ({BATCH}).")

    def handle(self, *args, kind, batch, **options):
        started = time.monotonic()
        last = {"kind": None, "at": 0.0}

        def progress(name: str, done: int, seconds: float) -> None:
            # One line per kind at the end, and one every few seconds in between.
            if name != last["kind"] or seconds - last["at"] >= 5:
                self.stdout.write(f"  {name}: {done} documents ({seconds:.1f} s)")
                last.update(kind=name, at=seconds)

        counts = search_rebuild(kinds=kind, batch=max(1, batch), progress=progress)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
        total = sum(counts.values())
        self.stdout.write(
            self.style.SUCCESS(f"{total} documents indexed in {time.monotonic() - started:.1f} s.")
        )
