"""Who may do what with API tokens."""


def can_manage_token(user, token) -> bool:
    """A token belongs to one person: only they see it and revoke it."""
    return bool(user.is_authenticated and user.is_active and token.user_id == user.pk)
