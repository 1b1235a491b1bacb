"""Who manages SCIM: the identity provider's tokens are an administrator's matter."""

from ruche.accounts.policies import is_admin


def can_manage_tokens(user) -> bool:
    return is_admin(user)
