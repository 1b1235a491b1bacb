"""What a person chooses above the home feed: a filter, an order, and where the next page starts.

A cursor names the filter and order it was made for (`questions:recent:u812`): a cursor from another
view of the feed, or one that does not parse, is refused with a message and the reader gets the
first page. A cursor only ever says where to start reading: whatever post id it holds, the page
shows only posts the reader may read (the feed's usual visibility), so a forged one shows nothing
more.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ruche.core.ids import ID_MAX

FILTERS = {
    "all": _("Everything"),
    "following": _("People I follow"),
    "communities": _("My communities"),
    "questions": _("Questions"),
    "announcements": _("Announcements"),
    "unread": _("Unread since my last visit"),
}
ORDERS = {"recent": _("Most recent"), "relevant": _("Most relevant")}

# recent: `<id>` (below that post); questions: `u<id>` unanswered ones, `a<id>` answered ones;
# relevant: `r<anchor>-<offset>` inside the ranked window, `o<id>` below it, newest first.
# ASCII digits only: `\d` would also read "٥" as 5.
_PAYLOAD = re.compile(r"(?P<phase>[uaro]?)(?P<id>\d{1,19})(?:-(?P<offset>\d{1,4}))?", re.ASCII)


@dataclass(frozen=True)
class Choice:
    filter: str = "all"
    order: str = "recent"


@dataclass(frozen=True)
class Cursor:
    phase: str  # "" (recent), "u" / "a" (questions), "r" / "o" (relevant)
    id: int
    offset: int = 0

    def encode(self, choice: Choice) -> str:
        tail = f"-{self.offset}" if self.phase == "r" else ""
        return f"{choice.filter}:{choice.order}:{self.phase}{self.id}{tail}"


@dataclass(frozen=True)
class Reading:
    """A request's choice and cursor, once read; `problem` says why the first page is shown."""

    choice: Choice
    cursor: Cursor | None = None
    problem: str | None = None
    explicit: bool = False  # the choice came from the request (to remember), not from the person


def _phases(choice: Choice) -> set[str]:
    if choice.filter == "announcements":  # newest first, whatever the order
        return {""}
    if choice.order == "relevant":
        return {"r", "o"}
    return {"u", "a"} if choice.filter == "questions" else {""}


def read_choice(remembered: Choice, *, filter=None, order=None, cursor=None, before=None) -> Reading:
    """Read `?filter=`, `?order=`, `?cursor=` (or the older `?before=<id>`) against what the person
    chose last time. Never raises: bad input gives the first page of a valid choice and a message."""
    explicit = filter is not None or order is not None
    problems = []
    if filter is not None and filter not in FILTERS:
        problems.append(_("There is no feed filter “%(name)s”: here is everything.") % {"name": filter[:40]})
        filter = "all"
    if order is not None and order not in ORDERS:
        problems.append(
            _("There is no feed order “%(name)s”: here are the most recent posts.") % {"name": order[:40]}
        )
        order = "recent"
    choice = Choice(filter or remembered.filter, order or remembered.order)
    if choice.filter not in FILTERS or choice.order not in ORDERS:  # a value from an older version
        choice = Choice()
    raw = cursor if cursor is not None else (str(before) if before is not None else None)
    parsed = None
    if raw is not None and not problems:
        parsed = _parse_cursor(raw, choice, legacy=cursor is None)
        if parsed is None:
            problems.append(_("That page link is out of date or damaged: here is the first page."))
    # Only a valid choice is remembered: a mistyped link must not replace the person's own.
    return Reading(choice, parsed, " ".join(str(p) for p in problems) or None, explicit and not problems)


def _parse_cursor(raw: str, choice: Choice, *, legacy: bool) -> Cursor | None:
    if legacy:  # `?before=<id>`: the most recent posts, everything or a filter without phases
        payload = raw
        if _phases(choice) != {""}:
            return None
    else:
        parts = raw.split(":")
        if len(parts) != 3 or parts[0] != choice.filter or parts[1] != choice.order:
            return None
        payload = parts[2]
    match = _PAYLOAD.fullmatch(payload)
    if match is None or match["phase"] not in _phases(choice):
        return None
    pk, offset = int(match["id"]), int(match["offset"] or 0)
    if not 1 <= pk <= ID_MAX or (match["offset"] is not None) != (match["phase"] == "r"):
        return None
    return Cursor(match["phase"], pk, offset)
