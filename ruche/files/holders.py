"""What attachments can be attached to, registered by the apps that own those things (posts:
"post"; announcements: "announcement") in their AppConfig.ready, so that this app, below them,
imports none of them (docs/architecture.md, "Seams")."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    may_read: Callable[[object, int], bool]  # may this person read the holder with this id?
    alive: Callable[[Iterable[int]], set[int]]  # which of these ids still exist (not deleted)


_holders: dict[str, Holder] = {}


def register_holder(kind: str, *, may_read, alive) -> None:
    _holders[kind] = Holder(may_read=may_read, alive=alive)


def holder(kind: str) -> Holder:
    """The registered rules of `kind`; an unknown kind raises (a lost registration must not pass)."""
    try:
        return _holders[kind]
    except KeyError:
        raise LookupError(f"No holder of attachments is registered as {kind!r}.") from None


def holder_kinds() -> list[str]:
    return list(_holders)
