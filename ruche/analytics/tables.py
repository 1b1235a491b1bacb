"""Every figure of the dashboards is also a table: shown under its chart, exported as CSV, served by
the JSON API, from the same rows (so the three never disagree).

A cell is a number, a text, a date, None (no data) or HIDDEN: a figure about fewer than
RUCHE_ANALYTICS_MIN_GROUP people (policies.group_too_small), written "fewer than 5" on pages,
"<5" in CSV and null in JSON (with the table's `hidden_below`)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from ruche.analytics.policies import group_too_small


class _Hidden:
    def __repr__(self):
        return "HIDDEN"

    def __reduce__(self):
        return "HIDDEN"  # unpickled (from the cache) as the one HIDDEN, which `is HIDDEN` recognises

    def __bool__(self):
        return False


HIDDEN = _Hidden()


def people(count: int):
    """A number of people, hidden when so few that it would point at someone."""
    return HIDDEN if group_too_small(count) else count


def guarded(value, by_people: int):
    """A figure (posts, replies...) made by `by_people` people: hidden with them."""
    return HIDDEN if group_too_small(by_people) else value


def for_chart(value):
    """For a chart: a hidden figure is not drawn (None; the chart says "fewer than N")."""
    return None if value is HIDDEN else value


def share(part, whole) -> float | None:
    """A percentage with one decimal, or None when it cannot be told (nothing, or hidden)."""
    if part is HIDDEN or whole is HIDDEN or not whole or part is None:
        return None
    return round(100 * part / whole, 1)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "int"  # int | percent | text | date | days (a duration) | delta (percent change)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    empty: str = ""  # what the page says when there is no row
    links: list[str | None] = field(default_factory=list)  # per row, where its name leads (page only)

    def display_rows(self) -> list[tuple[list[tuple], str | None]]:
        """Per row: (value, kind) per cell, and the link of its first cell, for the page."""
        kinds = [column.kind for column in self.columns]
        links = self.links or [None] * len(self.rows)
        return [
            (list(zip(row, kinds, strict=True)), link) for row, link in zip(self.rows, links, strict=True)
        ]

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in self.columns],
            "rows": [
                {c.key: _json_cell(value) for c, value in zip(self.columns, row, strict=True)}
                for row in self.rows
            ],
            "hidden_below": settings.ANALYTICS_MIN_GROUP,
        }

    def csv_rows(self):
        yield [c.label for c in self.columns]
        for row in self.rows:
            yield [_csv_cell(value) for value in row]


def _json_cell(value):
    if value is HIDDEN:
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _csv_cell(value):
    if value is HIDDEN:
        return f"<{settings.ANALYTICS_MIN_GROUP}"
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def hidden_label() -> str:
    return _("fewer than %(n)s") % {"n": settings.ANALYTICS_MIN_GROUP}
