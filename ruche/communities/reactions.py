"""Directory rules follow the directory (ruche/core/events.py; registered in CommunitiesConfig.ready)."""

from ruche.accounts.events import PeopleChanged
from ruche.communities.tasks import apply_rules_to_user
from ruche.core.events import subscribe


def register() -> None:
    subscribe(PeopleChanged, apply_directory_rules)


def apply_directory_rules(event: PeopleChanged) -> None:
    """A department, a site or an active state decides some memberships: the worker re-applies them."""
    if event.directory:
        for user_id in event.user_ids:
            apply_rules_to_user.enqueue(user_id=user_id)
