"""Who may see and act on the background work: administrators (its errors name people and posts)."""

from ruche.accounts.policies import is_admin


def can_manage_tasks(user) -> bool:
    return is_admin(user)
