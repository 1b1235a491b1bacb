"""Post cards drawn once for every reader, then completed for each one.

Most of a card is the same for everyone who may read it: the author, the text, the attachments, the
counts, the latest replies. What is personal is small and marked in posts/card.html: the reader's
reaction and saved state (`vary`: each possible state drawn once, the reader's picked), the reason
the post is in their feed, the relative times, the form token and the reader's avatar (`slot`:
computed for each request). A card is drawn with a stand-in reader, split at those marks, kept, and
joined again for each reader with their values.

A card is kept under its post's id, creation time and `version`, which the database moves on every
change the card shows (the post, its reactions, replies, files, placements, link preview, author:
triggers, ruche/posts/versions.py), so any change draws it again: no service has to remember to
forget it. Then by language, time zone, attachment rules and the communities the reader may know of.
The home feed asks `known` before loading a post: a kept card needs only the reader's values
(ruche/posts/kept.py). tests/web/test_cards.py checks that a kept card, completed for a reader, is byte for byte the card
drawn for that reader, and that each kind of change (an edit, a reaction, a reply, a renamed author,
a preview fetched, a post moved or hidden) shows on the next page.

Cards whose shared part depends on who reads are always drawn for the reader: the reader wrote the
post or a shown reply, administers, moderates one of its communities; the post or a reply is hidden
or waits for approval; questions (votes and acceptance) and shares (whose original depends on the
reader's rights); the post's own page and a card redrawn after an error.
"""

import re

from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jinja2 import pass_context
from markupsafe import escape

from ruche.files.display import attach_rules
from ruche.posts.kept import KeptPost, Store, keepable
from ruche.posts.models import Reaction

MARK = re.compile("\x00([a-z]+):(-?[0-9]+)\x00")
REACTION_STATES = (None, *Reaction.Kind.values)
BOTH = (False, True)


class StandIn:
    """The reader a shared card is drawn for: someone with no right on the post beyond reading it."""

    pk = id = -1
    is_authenticated = is_active = True
    is_staff = is_superuser = False
    full_name = initials = ""
    profile = None


STAND_IN = StandIn()


@pass_context
def vary(context, kind: str, pk: int, macro, current, choices, *args):
    """A personal part with a few possible states: drawn for the reader, or, when a shared card is
    being drawn, drawn in every state and marked."""
    recorder = context.get("ruche_recorder")
    if recorder is None:
        return macro(*args, current)
    recorder[(kind, pk)] = {choice: str(macro(*args, choice)) for choice in choices}
    return SafeString(f"\x00{kind}:{pk}\x00")


@pass_context
def slot(context, kind: str, pk: int, value):
    """A personal value computed for each request (`value` is the reader's, when drawn for them)."""
    if context.get("ruche_recorder") is None:
        return value
    return SafeString(f"\x00{kind}:{pk}\x00")


def cacheable(post, viewer, values: dict) -> bool:
    if values.get("full") or values.get("reply_form") or values.get("answer_error"):
        return False
    return keepable(post, viewer)


def _variant(shown: tuple[int, ...]) -> tuple:
    """What a shared card depends on beyond its post's version: the language, the time zone, the
    reply box's attachment rules (an administrator may change them at any time), and the communities
    the reader may know of."""
    rules = tuple(sorted(attach_rules().items()))
    return (get_language(), timezone.get_current_timezone_name(), rules, shown)


store = Store(_variant)


def draw(post, viewer, values: dict, render, personal: dict) -> str | None:
    """The card for this reader: kept parts completed with `personal` values (slot kind → function
    of the post or reply), or drawn for them when the card is not one to keep. None for a KeptPost
    whose card was forgotten since the feed found it: the caller loads the post."""
    if isinstance(post, KeptPost):
        parts = store.get(post.pk, post.created, post.version, post.shown)
        if parts is None:  # forgotten since the feed looked (or by another thread): the post is loaded
            return None
        return _joined(parts, post, values, personal)
    if not cacheable(post, viewer, values):
        return render(values)
    shown = tuple(c.pk for c in post.communities)
    parts = store.get(post.pk, post.created, post.version, shown)
    if parts is None:
        recorder: dict = {}
        shared = {**values, "user": STAND_IN, "csrf_input": SafeString("\x00csrf:0\x00")}
        parts = _split(render({**shared, "ruche_recorder": recorder}), recorder)
        store.keep(post, shown, parts)
    return _joined(parts, post, values, personal)


def _joined(parts: list, post, values: dict, personal: dict) -> SafeString:
    targets = {post.pk: post, **{r.pk: r for r in _replies(post)}}
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        kind, pk, variants = part
        if variants is not None:
            out.append(variants[personal[kind](targets[pk])])
        elif kind == "csrf":
            out.append(values["csrf_input"])
        else:
            out.append(str(personal[kind](targets.get(pk))))
    return SafeString("".join(out))


def _replies(post) -> list:
    return post.replies if isinstance(post, KeptPost) else post.shown_replies


def _split(html: str, recorder: dict) -> list:
    pieces = MARK.split(html)
    parts: list = []
    for i in range(0, len(pieces), 3):
        parts.append(pieces[i])
        if i + 1 < len(pieces):
            kind, pk = pieces[i + 1], int(pieces[i + 2])
            parts.append((kind, pk, recorder.get((kind, pk))))
    if any("\x00" in p for p in parts if isinstance(p, str)):  # a mark we did not make: refuse
        raise ValueError("a post card holds a NUL character outside its marks")
    return parts


def reason_line(post) -> str:
    """Why the post is in the reader's home feed, after the card's date (empty elsewhere)."""
    why = getattr(post, "why", None)
    if why:
        text = str(why)
    elif getattr(post, "feed_reason", None) == "mention":
        text = _("you are mentioned")
    elif getattr(post, "feed_reason", None) == "hashtag":
        text = _("a hashtag you follow")
    else:
        return ""
    return SafeString(f' · <span class="reason">{escape(text)}</span>')


def forget_all() -> None:
    store.forget_all()
