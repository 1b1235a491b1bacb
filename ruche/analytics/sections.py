"""The dashboards, as lists of sections. A section builds, for what was asked, an object the page's
template shows (figures, charts) and whose `tables` the CSV export and the JSON API serve: one
computation behind the three.

Sections register themselves (company.py, content.py, community.py; imported in this order by the
app's ready()) and are shown in that order."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ruche.analytics import policies
from ruche.analytics.period import Period
from ruche.analytics.scope import Scope
from ruche.analytics.tables import Table


@dataclass(frozen=True)
class Ask:
    """What a dashboard is asked for, and by whom (some sections are for some readers only)."""

    viewer: Any
    period: Period
    today: datetime.date
    scope: Scope = Scope()
    community: Any = None  # a community's dashboard
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)  # one page's reads


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    build: Callable[[Ask], Any]  # -> an object with `tables: list[Table]`
    may_view: Callable[[Any], bool]
    # The same figures for every reader who may see it (True), or for every reader who sees the same
    # things (a function of the reader giving a key of what they see): cached a few minutes.
    shared: bool | Callable[[Any], str] = False


COMPANY: list[Section] = []
COMMUNITY: list[Section] = []


def _register(into: list[Section], key: str, title, template: str, may_view, shared: bool):
    def decorator(build):
        if any(section.key == key for section in into):
            raise ValueError(f"Two analytics sections are named {key!r}")
        into.append(Section(key, title, template, build, may_view, shared))
        return build

    return decorator


def company_section(key: str, title, template: str, may_view=policies.can_view_company, shared=False):
    """`shared`: what it shows does not depend on who reads it (no community or post they may not
    see): computed once for every reader, for RUCHE_ANALYTICS_CACHE_SECONDS."""
    return _register(COMPANY, key, title, template, may_view, shared)


def community_section(key: str, title, template: str, shared=False):
    """Shown to whoever may see the community's figures (checked by the view, once)."""
    return _register(COMMUNITY, key, title, template, lambda _user: True, shared)


@dataclass
class Built:
    section: Section
    data: Any

    @property
    def tables(self) -> list[Table]:
        return self.data.tables


def build(sections: list[Section], ask: Ask, only: str | None = None) -> list[Built]:
    """The sections the viewer may see (or only the one holding table `only`), computed."""
    visible = [section for section in sections if section.may_view(ask.viewer)]
    if only is not None:
        visible = [section for section in visible if section.key == only.split(".")[0]]
    return [Built(section, _computed(section, ask)) for section in visible]


def _computed(section: Section, ask: Ask):
    """A shared section's figures are the same for all its readers: computed once every few minutes
    (the facts themselves move every 15 minutes, the visits every minute), per language."""
    if not section.shared or not settings.ANALYTICS_CACHE_SECONDS:
        return section.build(ask)
    audience = section.shared(ask.viewer) if callable(section.shared) else ""
    scope = ask.scope.query()
    key = ":".join(
        str(part)
        for part in (
            "analytics", cache.get_or_set(GENERATION, 0, None), section.key, ask.period.start, ask.period.end,
            ask.today, scope.get("department"), scope.get("site"), getattr(ask.community, "pk", ""),
            get_language(), audience,
        )
    )  # fmt: skip
    return cache.get_or_set(key, lambda: section.build(ask), settings.ANALYTICS_CACHE_SECONDS)


GENERATION = "analytics:generation"


def forget_figures() -> None:
    """After a change the reader expects to see at once (reminders sent)."""
    try:
        cache.incr(GENERATION)
    except ValueError:
        cache.set(GENERATION, 1, None)


def one_table(sections: list[Section], ask: Ask, key: str) -> Table:
    """The table `key` (computing only its section), for an export; 404 when there is none."""
    found = find_table(build(sections, ask, only=key), key)
    if found is None:
        raise Http404(_("There is no such table."))
    return found


def find_table(built: list[Built], key: str) -> Table | None:
    """Tables are named `<section>.<table>`, e.g. `actives.daily`."""
    for part in built:
        for table in part.tables:
            if table.key == key:
                return table
    return None
