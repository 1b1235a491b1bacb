"""The dashboards, as lists of sections. A section builds, for what was asked, an object the page's
template shows (figures, charts) and whose `tables` the CSV export and the JSON API serve: one
computation behind the three.

Sections register themselves (company.py, content.py, community.py; imported in this order by the
app's ready()) and are shown in that order."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    template: str
    build: Callable[[Ask], Any]  # -> an object with `tables: list[Table]`
    may_view: Callable[[Any], bool]


COMPANY: list[Section] = []
COMMUNITY: list[Section] = []


def _register(into: list[Section], key: str, title, template: str, may_view):
    def decorator(build):
        if any(section.key == key for section in into):
            raise ValueError(f"Two analytics sections are named {key!r}")
        into.append(Section(key, title, template, build, may_view))
        return build

    return decorator


def company_section(key: str, title, template: str, may_view=policies.can_view_company):
    return _register(COMPANY, key, title, template, may_view)


def community_section(key: str, title, template: str):
    """Shown to whoever may see the community's figures (checked by the view, once)."""
    return _register(COMMUNITY, key, title, template, lambda _user: True)


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
    return [Built(section, section.build(ask)) for section in visible]


def find_table(built: list[Built], key: str) -> Table | None:
    """Tables are named `<section>.<table>`, e.g. `actives.daily`."""
    for part in built:
        for table in part.tables:
            if table.key == key:
                return table
    return None
