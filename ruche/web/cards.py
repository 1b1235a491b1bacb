"""Post cards drawn once for every reader, then completed for each one.

Most of a card is the same for everyone who may read it: the author, the text, the attachments, the
counts, the latest replies. What is personal is small and marked in posts/card.html: the reader's
reaction and saved state (`vary`: each possible state drawn once, the reader's picked), the reason
the post is in their feed, the relative times, the form token and the reader's avatar (`slot`:
computed for each request). A card is drawn with a stand-in reader, split at those marks, kept, and
joined again for each reader with their values.

The key of a kept card is a digest of everything the card is drawn from (the post's text, dates and
counts, its author, replies, files, link preview, the communities the reader may know of, the
language and time zone), so any change draws it again: nothing has to remember to forget it.
tests/web/test_cards.py checks that a kept card, completed for a reader, is byte for byte the card
drawn for that reader, and that each kind of change (an edit, a reaction, a reply, a renamed author,
a preview fetched, a post moved or hidden) shows on the next page.

Cards whose shared part depends on who reads are always drawn for the reader: the reader wrote the
post or a shown reply, administers, moderates one of its communities; the post or a reply is hidden
or waits for approval; questions (votes and acceptance) and shares (whose original depends on the
reader's rights); the post's own page and a card redrawn after an error.
"""

import hashlib
import re
import threading

from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from jinja2 import pass_context
from markupsafe import escape

from ruche.files.display import attach_rules
from ruche.posts.models import Reaction
from ruche.posts.policies import can_delete_shown

MARK = re.compile("\x00([a-z]+):(-?[0-9]+)\x00")
REACTION_STATES = (None, *Reaction.Kind.values)
BOTH = (False, True)

_kept: dict[str, list] = {}
_lock = threading.Lock()


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
    replies = getattr(post, "shown_replies", None)
    if replies is None or not hasattr(post, "waiting_in"):
        return False  # not a hydrated card
    if post.is_share or getattr(post, "is_question", True) or post.hidden_at or post.waiting_in:
        return False
    if post.can_moderate or can_delete_shown(viewer, post):
        return False
    return not any(r.hidden_at or r.awaiting_approval or can_delete_shown(viewer, r) for r in replies)


def draw(post, viewer, values: dict, render, personal: dict) -> str:
    """The card for this reader: kept parts completed with `personal` values (slot kind → function
    of the post or reply), or drawn for them when the card is not one to keep."""
    if not cacheable(post, viewer, values):
        return render(values)
    key = digest(post)
    parts = _kept.get(key)
    if parts is None:
        recorder: dict = {}
        shared = {**values, "user": STAND_IN, "csrf_input": SafeString("\x00csrf:0\x00")}
        parts = _split(render({**shared, "ruche_recorder": recorder}), recorder)
        _keep(key, parts)
    targets = {post.pk: post, **{r.pk: r for r in post.shown_replies}}
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


def _keep(key: str, parts: list) -> None:
    with _lock:
        if len(_kept) >= settings.CARD_CACHE_ENTRIES:  # forget the older half (dicts keep insertion order)
            for old in list(_kept)[: len(_kept) // 2]:
                _kept.pop(old, None)
        _kept[key] = parts


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
    _kept.clear()


def digest(post) -> str:
    """Everything the shared card is drawn from, in the active language and time zone, with the
    reply box's attachment rules (an administrator may change them at any time)."""
    rules = tuple(sorted(attach_rules().items()))
    seen = (get_language(), timezone.get_current_timezone_name(), rules, _post(post))
    return hashlib.blake2b(repr(seen).encode(), digest_size=20).hexdigest()


# What the card shows of a post, a person, a file and a link preview. A field the card starts to
# show must be named here: tests/web/test_cards.py changes each one and expects the card to follow.
def _post(p) -> tuple:
    return (
        p.pk,
        p.body_html,
        p.created,
        p.edited_at,
        p.hidden_at,
        p.reply_count,
        p.reaction_count,
        p.share_count,
        p.is_share,
        p.link_preview_hidden,
        tuple(sorted(p.reaction_summary)),  # the card sorts it: equal counts come in any order
        getattr(p, "more_replies", None),
        _person(p.author),
        tuple(_file(f) for f in p.files),
        tuple((c.pk, c.name, c.slug) for c in getattr(p, "communities", ())),
        _preview(p.link_preview) if p.link_preview_id else None,
        tuple(_post(r) for r in getattr(p, "shown_replies", ())),
    )


def _person(u) -> tuple:
    profile = getattr(u, "profile", None)
    photo = profile.photo.name if profile is not None and profile.photo else None
    return (u.pk, u.handle, u.first_name, u.last_name, u.email, u.deactivated_at, u.is_bot,
            profile and profile.job_title, photo)  # fmt: skip


def _file(f) -> tuple:
    return (f.pk, f.kind, f.file.name, f.thumbnail.name, f.name, f.content_type, f.size, f.width, f.height)


def _preview(lp) -> tuple:
    return (lp.pk, lp.url, lp.status, lp.title, lp.description, lp.site_name, lp.image.name)
