"""Writes on API tokens: create (the secret is returned once), revoke, note a use."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.api import policies
from ruche.api.models import ApiToken

TOKEN_PREFIX = "ruche_"  # noqa: S105 (a marker that helps secret scanners, not a secret)
MAX_ACTIVE_TOKENS = 20
USED_EVERY = timedelta(minutes=5)  # last_used_at is a hint, not a log: one write per few minutes


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns the row and the secret, which is never stored nor shown again."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, to recognise it later.")})
    if len(name) > 100:
        raise ValidationError({"name": _("A token's name is limited to 100 characters.")})
    if not user.is_active:
        raise PermissionDenied(_("Your account is deactivated."))
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            {"name": _("You have %(max)d active tokens, the most allowed: revoke one first.")
             % {"max": MAX_ACTIVE_TOKENS}}
        )  # fmt: skip
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=hash_token(raw), prefix=raw[: len(TOKEN_PREFIX) + 4]
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    if not policies.can_manage_token(by, token):
        raise PermissionDenied(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_note_use(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
