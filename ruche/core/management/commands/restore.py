"""`manage.py restore PATH`: a backup made by `manage.py backup` back into the configured database."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ruche.core import backup
from ruche.core.uploads import local_media_root, media_location


class Command(BaseCommand):
    help = (
        "Restore a backup directory (or a database.sqlite3 / database.dump file alone) into the "
        "configured database and the uploaded files' folder (MEDIA_ROOT; never into an S3 bucket). "
        "Stop Ruche first. See docs/operations.md, Backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A backup directory made by `manage.py backup`.")
        parser.add_argument(
            "--force", action="store_true", help="Replace the database even though it is not empty."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, path, force, database, **options):
        connection = connections[database]
        connection.close()  # this process holds no connection to what is being replaced
        try:
            restored = backup.restore(connection.settings_dict, local_media_root(), path, force=force)
        except backup.BackupError as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(f"Restored into {connection.settings_dict['NAME']}:")
        for file in restored:
            self.stdout.write(f"  {file}")
        if (path / backup.MEDIA_FILE).is_file() and local_media_root() is None:
            self.stdout.write(
                f"Uploaded files were NOT restored: they are kept in {media_location()}. To put this "
                f"backup's files there, extract {path / backup.MEDIA_FILE} and copy its tree into the "
                "bucket (e.g. `aws s3 sync`)."
            )
        if (path / backup.MEDIA_NOTE).is_file():
            self.stdout.write(
                f"This backup holds no uploaded files: {path / backup.MEDIA_NOTE} says where they were."
            )
        self.stdout.write(
            "Next: `manage.py migrate` (if this backup is older than the code), then start Ruche."
        )
