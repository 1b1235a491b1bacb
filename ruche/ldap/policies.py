"""Who may see the directory's configuration and sync reports, and start a sync: administrators."""

from ruche.accounts.policies import is_admin


def can_manage_ldap(user) -> bool:
    return is_admin(user)
