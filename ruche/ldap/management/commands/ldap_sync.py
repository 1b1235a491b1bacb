from django.core.management.base import BaseCommand, CommandError

from ruche.ldap import services
from ruche.ldap.models import SyncRun
from ruche.ldap.selectors import REASONS


class Command(BaseCommand):
    help = "Read people from the LDAP / Active Directory directory and create, update, deactivate them."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report the changes, write nothing.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Apply even when the directory returns fewer than half of the people it keeps.",
        )

    def handle(self, *args, dry_run, force, **options):
        run = services.ldap_sync(dry_run=dry_run, force=force)
        if run.status == SyncRun.Status.FAILED:
            raise CommandError(run.message)
        for change in run.changes if dry_run else []:
            fields = ", ".join(change["fields"])
            self.stdout.write(
                f"{change['action']:<12} {change['email']}" + (f" ({fields})" if fields else "")
            )
        for error in run.errors:
            self.stdout.write(
                f"{'skipped':<12} {error['dn']}: {REASONS.get(error['reason'], error['reason'])}"
                + (f" ({error['detail']})" if error["detail"] else "")
            )
        counts = run.counts
        summary = ", ".join(
            f"{counts.get(key, 0)} {key}"
            for key in ("created", "updated", "deactivated", "unchanged", "skipped")
        )
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(f"{prefix}{counts.get('entries', 0)} entries read: {summary}.")
        if run.status == SyncRun.Status.REFUSED:
            raise CommandError(run.message)
