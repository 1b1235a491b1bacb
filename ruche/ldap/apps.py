from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LdapConfig(AppConfig):
    """People read from the company's LDAP or Active Directory (`manage.py ldap_sync`, and a schedule)."""

    name = "ruche.ldap"
    label = "ldap"
    verbose_name = _("LDAP directory")

    def ready(self):
        from ruche.core.periodic import register_periodic

        register_periodic("ldap", _schedule)


def _schedule():
    """The sync every RUCHE_LDAP_SYNC_MINUTES, or nothing at all while no directory is configured
    (the job's name stays registered, so the list of jobs does not depend on the environment)."""
    from django.conf import settings

    from ruche.core.periodic import Every
    from ruche.ldap.directory import configured
    from ruche.ldap.tasks import ldap_sync_run

    if not configured() or settings.LDAP_SYNC_MINUTES <= 0:
        return lambda: False
    return Every(settings.LDAP_SYNC_MINUTES * 60, ldap_sync_run.enqueue).tick
