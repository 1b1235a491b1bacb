"""Writes on incoming webhooks: create, regenerate the secret, pause, delete, and post what a
business tool sent (through the posts' own service: placement, moderation, mentions, hashtags,
notifications, search, fan-out)."""

import hashlib
import hmac
import secrets
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import Profile, User
from ruche.accounts.services import PHOTO_SIZE
from ruche.communities.models import Membership
from ruche.communities.selectors import role_of
from ruche.core.images import reencoded_image
from ruche.integrations import policies
from ruche.integrations.models import Integration
from ruche.posts.models import Post
from ruche.posts.services import post_create

# An integration's account: a reserved, never routable e-mail domain (RFC 2606) and a handle of its own.
BOT_DOMAIN = "integrations.invalid"


class Created(NamedTuple):
    integration: Integration
    secret: str  # shown once: only its hash is kept


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(integration: Integration, secret: str) -> bool:
    return hmac.compare_digest(integration.secret_hash, hash_secret(secret))


def _require_manager(user, community) -> None:
    if not policies.can_manage_integrations(user, community, role_of(user, community)):
        raise PermissionDenied(policies.NOT_MANAGER)


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the integration a name.")})
    if len(name) > 80:
        raise ValidationError({"name": _("A name is limited to 80 characters.")})
    return name


@transaction.atomic
def integration_create(*, community, by: User, name: str, icon=None) -> Created:
    """An incoming webhook of `community`, posting as an account of its own (named after it, with
    `icon` as its photo), which never signs in and which no list of people shows."""
    _require_manager(by, community)
    name = _clean_name(name)
    content = reencoded_image(icon, field="icon", square=PHOTO_SIZE) if icon else None
    public_id = secrets.token_hex(8)
    bot = User.objects.create_user(
        f"hook-{public_id}@{BOT_DOMAIN}", None, first_name=name, last_name="", handle=f"hook-{public_id}",
        is_bot=True, activated_at=None,
    )  # fmt: skip
    profile = Profile.objects.create(user=bot)
    if content is not None:
        profile.photo.save(content.name, content, save=True)
    # Its seat in the community, so that it posts there like a member (moderation included); a seat
    # is not a member: counts and lists of members leave bots out.
    Membership.objects.create(community=community, user=bot, role=Membership.Role.MEMBER)
    secret = secrets.token_urlsafe(32)
    integration = Integration.objects.create(
        community=community,
        name=name,
        bot=bot,
        created_by=by,
        public_id=public_id,
        secret_hash=hash_secret(secret),
    )
    return Created(integration, secret)


@transaction.atomic
def integration_update(*, integration: Integration, by: User, name: str, icon=None) -> Integration:
    """A new name (its posts, old and new, are signed with it) and, if given, a new icon."""
    _require_manager(by, integration.community)
    name = _clean_name(name)
    content = reencoded_image(icon, field="icon", square=PHOTO_SIZE) if icon else None
    integration.name = name
    integration.save(update_fields=["name"])
    bot = integration.bot
    bot.first_name = name
    bot.save(update_fields=["first_name"])
    if content is not None:
        profile = bot.profile
        old = profile.photo.name if profile.photo else None
        profile.photo.save(content.name, content, save=True)
        if old:
            transaction.on_commit(lambda: profile.photo.storage.delete(old))
    return integration


@transaction.atomic
def integration_regenerate(*, integration: Integration, by: User) -> str:
    """A new secret: the old address stops working at once. Returns the new secret (shown once)."""
    _require_manager(by, integration.community)
    secret = secrets.token_urlsafe(32)
    integration.secret_hash = hash_secret(secret)
    integration.save(update_fields=["secret_hash"])
    return secret


@transaction.atomic
def integration_pause(*, integration: Integration, by: User, paused: bool) -> Integration:
    _require_manager(by, integration.community)
    integration.paused_at = timezone.now() if paused else None
    integration.save(update_fields=["paused_at"])
    return integration


@transaction.atomic
def integration_delete(*, integration: Integration, by: User) -> None:
    """The address goes for good; what the integration posted stays, under its name. Its account
    is deactivated and leaves the community."""
    _require_manager(by, integration.community)
    bot = integration.bot
    Membership.objects.filter(user=bot).delete()
    integration.delete()
    bot.is_active = False
    bot.save(update_fields=["is_active"])


def message_body(*, text: str, title: str = "") -> str:
    """The post's Markdown: the title in bold on its own line, then the text."""
    text, title = (text or "").strip(), " ".join((title or "").split())
    return f"**{title}**\n\n{text}".strip() if title else text


def integration_post(*, integration: Integration, text: str, title: str = "") -> Post:
    """Publish what the business tool sent in the integration's community, as the integration.
    Refused (ValidationError on `body`) when empty or longer than a post may be."""
    if integration.is_paused:
        raise PermissionDenied(_("This integration is paused."))
    post = post_create(
        author=integration.bot, body=message_body(text=text, title=title), communities=[integration.community]
    )
    Integration.objects.filter(pk=integration.pk).update(last_used_at=timezone.now())
    return post
