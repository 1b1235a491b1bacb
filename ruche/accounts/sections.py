"""What other apps show on a person's profile page (their posts, their answers that solved a
question). The page lives in accounts, below those apps: they register their section in their
`AppConfig.ready` instead of accounts importing them (docs/architecture.md, "The rule")."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ProfileSection:
    name: str
    template: str  # drawn inside the page, with the page's context and what `context` returns
    context: Callable  # (request, person) -> dict
    place: str = "page"  # "card": inside the profile's card; "page": below it
    partial: str | None = None  # the fragment htmx asks for ("load more"), if any


SECTIONS: list[ProfileSection] = []


def register_profile_section(section: ProfileSection) -> None:
    """Add a section (again under the same name: replaced), in the order of registration."""
    SECTIONS[:] = [s for s in SECTIONS if s.name != section.name] + [section]


def paged_section() -> ProfileSection | None:
    return next((s for s in SECTIONS if s.partial), None)
