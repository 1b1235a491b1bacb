from django.tasks import task

from ruche.accounts.models import User
from ruche.ldap import services
from ruche.worker.backend import coalesce


@coalesce
@task()
def ldap_sync_run(dry_run: bool = False, force: bool = False, actor_id: int | None = None) -> dict:
    """The sync, in the worker: scheduled (every RUCHE_LDAP_SYNC_MINUTES) or asked for by an
    administrator on /manage/ldap/. Safe to run twice: the second run finds nothing to change."""
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return services.ldap_sync(dry_run=dry_run, force=force, actor=actor).counts
