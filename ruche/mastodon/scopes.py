"""Mastodon's OAuth scopes (docs.joinmastodon.org/api/oauth-scopes): a parent grants its children.

`read` grants every `read:*`, `write` every `write:*`; `follow` is the legacy scope that grants
`read:follows`, `write:follows`, `read:blocks`, `write:blocks`, `read:mutes`, `write:mutes`.
`profile` only grants verify_credentials (asked by "sign in with" clients).
"""

from django.utils.translation import gettext_lazy as _

READ = (
    "accounts", "blocks", "bookmarks", "favourites", "filters", "follows", "lists", "mutes",
    "notifications", "search", "statuses",
)  # fmt: skip
WRITE = (
    "accounts", "blocks", "bookmarks", "conversations", "favourites", "filters", "follows", "lists",
    "media", "mutes", "notifications", "reports", "statuses",
)  # fmt: skip
FOLLOW = ("read:follows", "write:follows", "read:blocks", "write:blocks", "read:mutes", "write:mutes")

# Every scope an app may ask for, with what the consent page says of it, in plain words.
SCOPES: dict[str, str] = {
    "read": _("See everything you can see: posts, people, communities, notifications"),
    "write": _("Post, reply, react, share and change things in your name"),
    "follow": _("See and change whom you follow"),
    "push": _("Receive your notifications as they happen"),
    "profile": _("Know who you are (your name and profile)"),
    "read:accounts": _("See people's profiles and your own"),
    "read:blocks": _("See whom you blocked"),
    "read:bookmarks": _("See your bookmarks"),
    "read:favourites": _("See the posts you reacted to"),
    "read:filters": _("See your filters"),
    "read:follows": _("See whom you follow"),
    "read:lists": _("See your communities (shown as lists)"),
    "read:mutes": _("See whom you muted"),
    "read:notifications": _("See your notifications"),
    "read:search": _("Search in your name"),
    "read:statuses": _("See the posts you can see"),
    "write:accounts": _("Change your profile"),
    "write:blocks": _("Block and unblock people"),
    "write:bookmarks": _("Bookmark posts"),
    "write:conversations": _("Change your conversations"),
    "write:favourites": _("React to posts"),
    "write:filters": _("Change your filters"),
    "write:follows": _("Follow and unfollow people and hashtags"),
    "write:lists": _("Change your communities (shown as lists)"),
    "write:media": _("Upload files"),
    "write:mutes": _("Mute and unmute people"),
    "write:notifications": _("Dismiss your notifications"),
    "write:reports": _("Report posts"),
    "write:statuses": _("Post, reply, edit, delete and share posts"),
}
assert {f"read:{n}" for n in READ} | {f"write:{n}" for n in WRITE} <= set(SCOPES)
DEFAULT = "read"


def parent(scope: str) -> str | None:
    return scope.split(":", 1)[0] if ":" in scope else None


def grants(granted: set[str], required: str) -> bool:
    """Whether the scopes a token holds cover `required` (a parent covers its children)."""
    if required in granted:
        return True
    if parent(required) in granted:
        return True
    if "follow" in granted and required in FOLLOW:
        return True
    return required == "profile" and ("read" in granted or "read:accounts" in granted)


def unknown(scopes: list[str]) -> list[str]:
    return [scope for scope in scopes if scope not in SCOPES]


def described(scope_string: str) -> list[tuple[str, str]]:
    """(scope, plain words) for the consent page and the apps page."""
    return [(scope, str(SCOPES.get(scope, scope))) for scope in scope_string.split() if scope]
