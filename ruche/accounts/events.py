"""What happens to people, for the apps above accounts (ruche/core/events.py: who subscribes is in
their AppConfig.ready, and tests/core/test_seams.py pins it)."""

from dataclasses import dataclass

from ruche.accounts.models import User


@dataclass(frozen=True)
class PeopleChanged:
    """What the directory shows of these people changed (name, profile, active or not): search
    indexes them again. `directory`: their department, site or active state changed (or they are
    new), so the communities' directory rules are applied to them again."""

    user_ids: tuple[int, ...]
    directory: bool = False


@dataclass(frozen=True)
class PersonFollowed:
    """A new follow (following twice publishes once): the followed person is told, and the
    follower's feed is filled with their recent posts."""

    follow_id: int
    follower_id: int
    followed_id: int


@dataclass(frozen=True)
class PersonReturned:
    """Someone signs in again after a long absence (or has never had a feed built)."""

    user: User
