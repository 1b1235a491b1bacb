"""`manage.py backup`: the database and the uploaded media, consistent while the site is in use."""

import signal
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ruche.core import backup
from ruche.core.uploads import local_media_root, media_location


def human_size(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB" if size >= 100_000 else f"{size / 1_000:,.1f} kB"


def exit_on_signal(signum, frame):
    raise SystemExit(128 + signum)


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files on local disk (MEDIA_ROOT; files kept in an S3 "
        "bucket are not copied) into a new directory (default var/backups/ruche-<UTC time>/): safe "
        "while Ruche runs. See docs/operations.md, Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="The directory to create (must not exist).")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output, database, **options):
        output = output or backup.default_output(settings.VAR_DIR)
        # Stopped by cron's timeout or systemd: unwind (and remove the partial backup) as on Ctrl+C.
        signal.signal(signal.SIGTERM, exit_on_signal)
        try:
            files = backup.create(
                connections[database].settings_dict,
                local_media_root(),
                output,
                media_elsewhere=media_location(),
            )
        except backup.BackupError as exc:
            raise CommandError(f"Backup failed, nothing was written: {exc}") from exc
        total = sum(file.stat().st_size for file in files)
        self.stdout.write(f"{output.absolute()}  {human_size(total)}")
        for file in files:
            self.stdout.write(f"  {file.name}  {human_size(file.stat().st_size)}")
        if local_media_root() is None:
            self.stdout.write(
                f"Uploaded files are NOT in this backup: they are kept in {media_location()}. "
                "Back it up with the store's own tools (see docs/operations.md, Files)."
            )
