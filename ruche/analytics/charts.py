"""Charts drawn on the server as inline SVG, readable without JavaScript, each with a text alternative
(a one-sentence <desc> and a table). Pure functions of the figures they are given: they know nothing
of where the figures come from. `None` is a figure not shown (hidden for privacy, or no data).

Every text drawn comes from `format_html` (labels are user data: community and department names).
Colours and font sizes are CSS classes styled in analytics/analytics.css (the CSP forbids inline
styles); the geometry is planned for the largest font size it gives (narrow screens)."""

import datetime
import functools
import itertools
import math
import uuid
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext, pgettext

WIDTH = 400  # of every viewBox: the figure's CSS width scales it to the screen
FONT = 14  # the largest font size (user units) analytics.css gives chart text
CHAR = FONT * 0.6  # a generous average advance of one character, to keep texts apart
ELLIPSIS = "…"


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[datetime.date, int | None]]
    kind: Literal["current", "previous"] = "current"


@dataclass(frozen=True)
class Table:
    """The text alternative: rows start with their header cell, the figures follow."""

    caption: str
    header: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Chart:
    id: str
    kind: Literal["line", "bar", "pyramid"]
    title: str
    description: str
    svg: SafeString
    table: Table
    empty: bool


# Figures and texts


def fewer_than(n: int) -> str:
    return gettext("fewer than %(n)s") % {"n": n}


def _hidden_label(hidden_label: str | None) -> str:
    return fewer_than(settings.ANALYTICS_MIN_GROUP) if hidden_label is None else hidden_label


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _figure(value: int | None, unit: str, hidden_label: str) -> str:
    if value is None:
        return hidden_label
    return f"{_number(value)}\u00a0{unit}" if unit else _number(value)


def _share(part: int, total: int) -> str:
    """Whole percents; one decimal under 1 % so that a few people do not read as none."""
    percent = 100 * part / total
    if 0 < percent < 0.05:
        return gettext("<%(share)s%%") % {"share": formats.number_format(0.1, decimal_pos=1)}
    decimals = 1 if 0 < percent < 1 else 0
    share = formats.number_format(round(percent, decimals), decimal_pos=decimals)
    return gettext("%(share)s%%") % {"share": share}


def _width(text: str) -> float:
    return len(text) * CHAR


def _truncate(text: str, width: float) -> str:
    fits = max(1, int(width // CHAR))
    return text if len(text) <= fits else text[: fits - 1].rstrip() + ELLIPSIS


def nice_ticks(maximum: int, intervals: int = 4) -> list[int]:
    """0 and whole round steps (1, 2, 2.5, 5 × 10ⁿ) up to the first tick at or above `maximum`."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / intervals
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    steps = (1, 2, 2.5, 5, 10) if magnitude >= 10 else (1, 2, 5, 10)
    step = next(int(s * magnitude) for s in steps if s * magnitude >= raw)
    return list(range(0, math.ceil(maximum / step) * step + 1, step))


# The SVG frame


def _chart_id() -> str:
    return f"chart-{uuid.uuid4().hex[:10]}"


def _join(parts) -> SafeString:
    """Safe pieces as they are, anything else escaped."""
    return format_html_join("", "{}", ((part,) for part in parts))


def _svg(*, chart_id: str, kind: str, height: float, title: str, desc: str, body) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {w} {h}" '
        'role="img" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        kind=kind,
        w=WIDTH,
        h=_n(height),
        id=chart_id,
        title=title,
        desc=desc,
        body=_join(body),
    )


def _n(value: float) -> str:
    """A coordinate, short: 12, 12.5."""
    return f"{value:.1f}".removesuffix(".0")


def _text(x: float, y: float, text: str, css: str, anchor: str = "start", full: str = "") -> SafeString:
    tooltip = format_html("<title>{}</title>", full) if full and full != text else ""
    return format_html(
        '<text x="{}" y="{}" class="{}" text-anchor="{}">{}{}</text>',
        _n(x),
        _n(y),
        css,
        anchor,
        text,
        tooltip,
    )


def _empty_chart(*, kind, title: str, table: Table) -> Chart:
    chart_id = _chart_id()
    message = gettext("No data for this period")
    desc = gettext("%(title)s: %(message)s.") % {"title": title, "message": message}
    body = [_text(WIDTH / 2, 50, message, "chart-empty", "middle")]
    svg = _svg(chart_id=chart_id, kind=kind, height=90, title=title, desc=desc, body=body)
    return Chart(chart_id, kind, title, desc, svg, table, empty=True)


# Line chart


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits in the viewBox, and how figures map onto it."""

    left: float
    right: float
    top: float
    bottom: float
    count: int
    ceiling: int

    def x(self, index: int) -> float:
        if self.count == 1:
            return (self.left + self.right) / 2
        return self.left + index * (self.right - self.left) / (self.count - 1)

    def y(self, value: int) -> float:
        return self.bottom - value / self.ceiling * (self.bottom - self.top)


LINE_HEIGHT = 210
LEGEND_ROW = FONT + 10


def line_chart(*, title: str, series: list[Series], unit: str = "", hidden_label: str | None = None) -> Chart:
    """A trend over days or weeks. Series share the x axis point by point (a previous period is
    drawn over the current one's dates); `None` points are gaps, dashed lines the previous period."""
    hidden_label = _hidden_label(hidden_label)
    axis = _axis(series)
    dates = _DateLabels([day for day, _ in axis.points] if axis else [])
    table = _line_table(title, series, dates, unit, hidden_label)
    known = [value for s in series for _, value in s.points if value is not None]
    if not known:
        return _empty_chart(kind="line", title=title, table=table)
    ticks = nice_ticks(max(known))
    ends = [_figure(_last_known(s), unit, "") for s in series if s.kind == "current"]
    legend = _legend(series) if len(series) > 1 else []
    legend_height = LEGEND_ROW * len(legend)
    frame = _Frame(
        left=max(max(_width(_number(t)) for t in ticks) + 8, dates.widest / 2),
        right=WIDTH - max(max(map(_width, ends), default=0) + 10, dates.widest / 2),
        top=legend_height + FONT,
        bottom=LINE_HEIGHT - FONT - 14,
        count=len(axis.points),
        ceiling=ticks[-1],
    )
    body = [*_legend_marks(legend), *_grid(frame, ticks), *_x_labels(frame, dates)]
    for index, s in _drawing_order(series):
        body += _series_marks(frame, s, index)
    body += _end_labels(frame, series, unit)
    chart_id = _chart_id()
    desc = _line_description(title, series, axis, unit)
    svg = _svg(chart_id=chart_id, kind="line", height=LINE_HEIGHT, title=title, desc=desc, body=body)
    return Chart(chart_id, "line", title, desc, svg, table, empty=False)


def _last_known(series: Series) -> int | None:
    return next((value for _, value in reversed(series.points) if value is not None), None)


def _axis(series: list[Series]) -> Series | None:
    """The series whose dates make the x axis: the longest current one (a previous period is drawn
    over its dates), else the longest."""
    with_points = [s for s in series if s.points]
    return max(with_points, key=lambda s: (s.kind == "current", len(s.points)), default=None)


def _drawing_order(series: list[Series]) -> list[tuple[int, Series]]:
    """(index, series), the previous period first: under the current one."""
    return sorted(enumerate(series), key=lambda pair: pair[1].kind == "current")


def _dashes(series: Series) -> SafeString:
    """The previous period's dashes, as an attribute too: still dashed where the stylesheet is not."""
    return SafeString(' stroke-dasharray="5 4"' if series.kind == "previous" else "")


def _series_css(series: Series, index: int) -> str:
    return f"{series.kind} series-{index}"


def _segments(frame: _Frame, series: Series) -> list[list[tuple[float, float]]]:
    """Runs of known points: a `None` breaks the line."""
    runs, run = [], []
    for index, (_, value) in enumerate(series.points[: frame.count]):
        if value is None:
            runs, run = (runs + [run] if run else runs), []
        else:
            run.append((frame.x(index), frame.y(value)))
    return runs + [run] if run else runs


def _series_marks(frame: _Frame, series: Series, index: int) -> list[SafeString]:
    css = _series_css(series, index)
    runs = _segments(frame, series)
    if not runs:
        return []
    marks = []
    if series.kind == "current" and index == 0:
        marks += [_area(frame, run) for run in runs if len(run) > 1]
    path = " ".join("M" + " L".join(f"{_n(x)},{_n(y)}" for x, y in run) for run in runs if len(run) > 1)
    if path:
        marks.append(
            format_html('<path class="chart-line {}" d="{}" fill="none"{}/>', css, path, _dashes(series))
        )
    lone = [run[0] for run in runs if len(run) == 1]  # a point between two gaps draws no line
    if series.kind == "previous":
        return marks + [_dot(x, y, f"chart-dot {css}", 2) for x, y in lone]
    few = frame.count <= 16  # a dot on every point while they stay apart
    marks += [_dot(x, y, f"chart-dot {css}", 2.5) for run in runs for x, y in (run if few else [])]
    marks += [_dot(x, y, f"chart-dot {css}", 2.5) for x, y in (lone if not few else [])]
    return marks + [_dot(*runs[-1][-1], f"chart-dot chart-last {css}", 4)]


def _area(frame: _Frame, run: list[tuple[float, float]]) -> SafeString:
    points = " L".join(f"{_n(x)},{_n(y)}" for x, y in run)
    first, last = _n(run[0][0]), _n(run[-1][0])
    base = _n(frame.bottom)
    return format_html('<path class="chart-area" d="M{},{} L{} L{},{} Z"/>', first, base, points, last, base)


def _dot(x: float, y: float, css: str, radius: float) -> SafeString:
    return format_html('<circle class="{}" cx="{}" cy="{}" r="{}"/>', css, _n(x), _n(y), _n(radius))


def _grid(frame: _Frame, ticks: list[int]) -> list[SafeString]:
    marks = []
    for tick in ticks:
        y = frame.y(tick)
        css = "chart-axis" if tick == 0 else "chart-grid"
        marks.append(
            format_html(
                '<line class="{}" x1="{}" x2="{}" y1="{}" y2="{}"/>',
                css,
                _n(frame.left),
                _n(frame.right),
                _n(y),
                _n(y),
            )
        )
        marks.append(_text(frame.left - 8, y + FONT * 0.35, _number(tick), "chart-tick", "end"))
    return marks


def _monthly(days: list[datetime.date]) -> bool:
    return len(days) > 1 and 28 <= (days[1] - days[0]).days <= 31


def _axis_format(days: list[datetime.date], *, with_year: bool) -> str:
    """Short dates in the active language ("5 Sep", "5 sept."), months alone for a monthly axis."""
    if _monthly(days):
        if with_year:
            return pgettext("chart axis: month and year", "M Y")
        return pgettext("chart axis: month", "M")
    if with_year:
        return pgettext("chart axis: day, month and year", "j M Y")
    return pgettext("chart axis: day and month", "j M")


class _DateLabels:
    """The x axis' dates as labels, each formatted once: the year on a label where it changes, when
    the axis spans several years."""

    def __init__(self, days: list[datetime.date]):
        self.days = days
        self.several_years = bool(days) and days[0].year != days[-1].year
        self.formats = {with_year: _axis_format(days, with_year=with_year) for with_year in (False, True)}
        self.label = functools.cache(self._format)

    def _format(self, index: int, with_year: bool) -> str:
        return formats.date_format(self.days[index], self.formats[with_year])

    @functools.cached_property
    def widest(self) -> float:
        return max(_width(self.label(index, self.several_years)) for index in range(len(self.days)))

    def labels(self, indices: list[int]) -> list[tuple[int, str]]:
        labels, year = [], None
        for index in indices:
            labels.append((index, self.label(index, self.several_years and self.days[index].year != year)))
            year = self.days[index].year
        return labels


def _x_labels(frame: _Frame, dates: _DateLabels) -> list[SafeString]:
    """Dates every `step` points back from the last one, the smallest step whose labels stay apart."""
    for step in range(1, frame.count + 1):
        labels = dates.labels(sorted(range(frame.count - 1, -1, -step)))
        if all(
            frame.x(right) - frame.x(left) >= (_width(a) + _width(b)) / 2 + FONT
            for (left, a), (right, b) in itertools.pairwise(labels)
        ):
            break
    y = frame.bottom + FONT + 8
    return [_text(frame.x(index), y, label, "chart-tick", "middle") for index, label in labels]


def _end_labels(frame: _Frame, series: list[Series], unit: str) -> list[SafeString]:
    """The last value of each current series, right of its end, pushed apart when they would touch."""
    ends = []
    for index, s in enumerate(series):
        runs = _segments(frame, s) if s.kind == "current" else []
        if runs:
            x, y = runs[-1][-1]
            ends.append([x + 8, y + FONT * 0.35, _figure(_last_known(s), unit, ""), _series_css(s, index)])
    ends.sort(key=lambda end: end[1])
    for above, below in zip(ends, ends[1:], strict=False):
        below[1] = max(below[1], above[1] + FONT + 2)
    return [_text(x, y, text, f"chart-value {css}") for x, y, text, css in ends]


def _legend(series: list[Series]) -> list[list[tuple[Series, int, float]]]:
    """Rows of (series, index, x) that fit the width."""
    rows, row, x = [], [], 0.0
    for index, s in enumerate(series):
        width = 26 + _width(s.label)
        if row and x + width > WIDTH:
            rows, row, x = rows + [row], [], 0.0
        row.append((s, index, x))
        x += width + 18
    return rows + [row] if row else rows


def _legend_marks(rows) -> list[SafeString]:
    marks = []
    for line, row in enumerate(rows):
        y = line * LEGEND_ROW + FONT * 0.7
        for s, index, x in row:
            css = _series_css(s, index)
            marks.append(
                format_html(
                    '<line class="chart-line {}" x1="{}" x2="{}" y1="{}" y2="{}"{}/>',
                    css,
                    _n(x),
                    _n(x + 20),
                    _n(y),
                    _n(y),
                    _dashes(s),
                )
            )
            label = _truncate(s.label, WIDTH - x - 26)
            marks.append(_text(x + 26, y + FONT * 0.35, label, "chart-legend", full=s.label))
    return marks


def _line_table(title, series, dates: _DateLabels, unit, hidden_label) -> Table:
    header = [gettext("Date"), *(s.label for s in series)]
    rows = []
    for index in range(len(dates.days)):
        cells = [dates.label(index, True)]  # short dates: the table fits a phone
        for s in series:
            cells.append(_figure(s.points[index][1], unit, hidden_label) if index < len(s.points) else "")
        rows.append(cells)
    return Table(caption=title, header=header, rows=rows)


def _span(days: list[datetime.date]) -> str:
    """ "12 weeks", "28 days", "6 months": the length of the axis in its own step."""
    count = len(days)
    if count > 1 and (days[1] - days[0]).days == 7:
        return ngettext("%(count)s week", "%(count)s weeks", count) % {"count": count}
    if _monthly(days):
        return ngettext("%(count)s month", "%(count)s months", count) % {"count": count}
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def _line_description(title: str, series: list[Series], axis: Series, unit: str) -> str:
    """ "Weekly active people, 12 weeks: from 120 to 310." (one clause per series when several)."""
    clauses = []
    for s in series:
        known = [value for _, value in s.points if value is not None]
        if not known:
            trend = gettext("no data")
        else:
            first, last = _figure(known[0], unit, ""), _figure(known[-1], unit, "")
            trend = gettext("from %(first)s to %(last)s") % {"first": first, "last": last}
        clauses.append(trend if len(series) == 1 else f"{s.label} {trend}")
    values = pgettext("between clauses of a sentence", "; ").join(clauses)
    return gettext("%(title)s, %(span)s: %(values)s.") % {
        "title": title,
        "span": _span([day for day, _ in axis.points]),
        "values": values,
    }


# Bar chart

BAR_ROW = FONT + 30  # a label line, the bar under it, a gap
BAR_THICKNESS = 10


def bar_chart(
    *, title: str, bars: list[tuple[str, int | None]], unit: str = "", hidden_label: str | None = None
) -> Chart:
    """Horizontal bars in the given order, each under its label (truncated to the width, the full
    label as a tooltip) with its figure on the right; a hidden figure says so instead of a bar."""
    hidden_label = _hidden_label(hidden_label)
    figures = [(label, _figure(value, unit, hidden_label)) for label, value in bars]
    table = Table(caption=title, header=[gettext("Name"), title], rows=[list(pair) for pair in figures])
    known = [value for _, value in bars if value is not None]
    if not known:
        return _empty_chart(kind="bar", title=title, table=table)
    longest = max(known) or 1  # all zero: empty bars, not a division by zero
    body = []
    for row, ((label, value), (_, figure)) in enumerate(zip(bars, figures, strict=True)):
        body += _bar(row * BAR_ROW, label, value, figure, longest)
    chart_id = _chart_id()
    desc = _list_description(
        title,
        [gettext("%(label)s (%(value)s)") % {"label": label, "value": figure} for label, figure in figures],
    )
    height = len(bars) * BAR_ROW - 12
    svg = _svg(chart_id=chart_id, kind="bar", height=height, title=title, desc=desc, body=body)
    return Chart(chart_id, "bar", title, desc, svg, table, empty=False)


def _bar(top: float, label: str, value: int | None, figure: str, longest: int) -> list[SafeString]:
    baseline = top + FONT
    bar_top = baseline + 6
    shown = _truncate(label, WIDTH - _width(figure) - FONT)
    marks = [
        _text(0, baseline, shown, "chart-label", full=label),
        _text(WIDTH, baseline, figure, "chart-value" if value is not None else "chart-value hidden", "end"),
        _rect(0, bar_top, WIDTH, BAR_THICKNESS, "chart-track"),
    ]
    if value:
        marks.append(_rect(0, bar_top, max(2, WIDTH * value / longest), BAR_THICKNESS, "chart-bar"))
    return marks


def _rect(x: float, y: float, width: float, height: float, css: str) -> SafeString:
    return format_html(
        '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="2"/>',
        css,
        _n(x),
        _n(y),
        _n(width),
        _n(height),
    )


def _list_description(title: str, items: list[str], shown: int = 5) -> str:
    """ "Title: A (12), B (8), C (fewer than 5)." with the first few items and how many more."""
    values = pgettext("between items of a list", ", ").join(items[:shown])
    if len(items) > shown:
        more = len(items) - shown
        values = ngettext("%(values)s and %(count)s more", "%(values)s and %(count)s more", more) % {
            "values": values,
            "count": more,
        }
    return gettext("%(title)s: %(values)s.") % {"title": title, "values": values}


# Participation pyramid

PYRAMID_WIDTH = 250  # the bands' column; their names and figures go right of it
BAND_HEIGHT = 44
BAND_GAP = 3
NARROWEST = 12  # added to every band: one of 1 % stays visible, and wider than one of 0


def pyramid_chart(
    *,
    title: str,
    lurkers: int | None,
    participants: int | None,
    contributors: int | None,
    hidden_label: str | None = None,
    labels: tuple[str, str, str] | None = None,
) -> Chart:
    """The 90-9-1 view: contributors on top, participants, lurkers at the base, each band's width
    proportional to its people (never narrower than NARROWEST), with its count and its share of the
    total (no shares when a band is hidden: they would be wrong). `labels`: the bands' names, from
    the top, when the caller's tables name them otherwise."""
    hidden_label = _hidden_label(hidden_label)
    top, middle, base = labels or (gettext("Contributors"), gettext("Participants"), gettext("Lurkers"))
    bands = [
        (top, contributors, "contributors"),
        (middle, participants, "participants"),
        (base, lurkers, "lurkers"),
    ]
    counts = [count for _, count, _ in bands]
    total = sum(counts) if None not in counts else None
    figures = [_band_figure(count, total, hidden_label) for count in counts]
    header = [gettext("Group"), gettext("People"), gettext("Share of total")]
    rows = [
        [name, _figure(count, "", hidden_label), _share(count, total) if total else "—"]
        for (name, count, _) in bands
    ]
    table = Table(caption=title, header=header, rows=rows)
    if not any(counts):
        return _empty_chart(kind="pyramid", title=title, table=table)
    widest = max(count or 0 for count in counts)
    body = []
    for row, ((name, count, css), figure) in enumerate(zip(bands, figures, strict=True)):
        body += _band(row * (BAND_HEIGHT + BAND_GAP), name, count, figure, widest, css)
    chart_id = _chart_id()
    desc = _list_description(
        title, [f"{name} {figure}" for (name, _, _), figure in zip(bands, figures, strict=True)]
    )
    height = 3 * BAND_HEIGHT + 2 * BAND_GAP
    svg = _svg(chart_id=chart_id, kind="pyramid", height=height, title=title, desc=desc, body=body)
    return Chart(chart_id, "pyramid", title, desc, svg, table, empty=False)


def _band_figure(count: int | None, total: int | None, hidden_label: str) -> str:
    if count is None or not total:
        return _figure(count, "", hidden_label)
    return gettext("%(count)s (%(share)s)") % {"count": _number(count), "share": _share(count, total)}


def _band(top, name, count, figure, widest, css) -> list[SafeString]:
    width = NARROWEST + (PYRAMID_WIDTH - NARROWEST) * (count or 0) / widest
    middle = top + BAND_HEIGHT / 2
    text_x = PYRAMID_WIDTH + 14
    hidden = " hidden" if count is None else ""
    return [
        _rect((PYRAMID_WIDTH - width) / 2, top, width, BAND_HEIGHT, f"chart-band {css}{hidden}"),
        _text(text_x, middle - 3, _truncate(name, WIDTH - text_x), "chart-label"),
        _text(text_x, middle + FONT, figure, f"chart-value{hidden}"),
    ]
