from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LdapConfig(AppConfig):
    """People read from the company's LDAP or Active Directory (`manage.py ldap_sync`, and a schedule)."""

    name = "ruche.ldap"
    label = "ldap"
    verbose_name = _("LDAP directory")
