"""The analytics charts (ruche/analytics/charts.py): geometry read back from the SVG they draw, their
text alternative, escaping, and the template that shows them."""

import datetime
import math
import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from ruche.analytics.charts import CHAR, Series, bar_chart, line_chart, nice_ticks, pyramid_chart

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = datetime.date(2026, 9, 7)
HOSTILE = '<script>alert("x")</script> & co'


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def weeks(*values, start=MONDAY):
    return [(start + datetime.timedelta(weeks=i), value) for i, value in enumerate(values)]


def days(*values, start=MONDAY):
    return [(start + datetime.timedelta(days=i), value) for i, value in enumerate(values)]


def parse(chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own output, parsed to prove it is XML


def marks(root, tag: str, *classes: str) -> list[ET.Element]:
    return [e for e in root.iter(SVG + tag) if set(classes) <= set(e.get("class", "").split())]


def texts(root, *classes: str) -> list[str]:
    return ["".join(e.itertext()) for e in marks(root, "text", *classes)]


def subpaths(path: ET.Element) -> list[list[tuple[float, float]]]:
    """The points of each "M x,y L x,y ..." run of a path."""
    runs = []
    for run in re.findall(r"M[^M]+", path.get("d")):
        runs.append([(float(x), float(y)) for x, y in re.findall(r"(-?[\d.]+),(-?[\d.]+)", run)])
    return runs


def line(chart, kind="current") -> ET.Element:
    (path,) = marks(parse(chart), "path", "chart-line", kind)
    return path


def test_a_higher_value_is_drawn_higher():
    chart = line_chart(title="Active", series=[Series("This period", weeks(10, 50, 20))])
    ((low, high, middle),) = subpaths(line(chart))
    assert high[1] < middle[1] < low[1]  # SVG's y grows downwards
    assert low[0] < high[0] < middle[0]


def test_a_missing_figure_breaks_the_line_and_a_lone_point_is_a_dot():
    chart = line_chart(title="Active", series=[Series("This period", days(10, 20, None, 30, 40, None, 7))])
    runs = subpaths(line(chart))
    assert [len(run) for run in runs] == [2, 2]
    assert runs[0][-1][0] < runs[1][0][0]
    lone = marks(parse(chart), "circle", "chart-last")
    assert len(lone) == 1 and float(lone[0].get("cx")) > runs[1][-1][0]


def test_the_previous_period_is_dashed_and_drawn_under_the_current_one():
    chart = line_chart(
        title="Weekly active people",
        series=[Series("This period", weeks(5, 8, 9)), Series("Previous period", weeks(3, 4, 6), "previous")],
    )
    root = parse(chart)
    (current,) = marks(root, "path", "chart-line", "current")
    (previous,) = marks(root, "path", "chart-line", "previous")
    assert previous.get("stroke-dasharray") and not current.get("stroke-dasharray")
    drawn = list(root.iter(SVG + "path"))
    assert drawn.index(previous) < drawn.index(current)
    assert texts(root, "chart-legend") == ["This period", "Previous period"]
    (swatch,) = [e for e in marks(root, "line", "chart-line", "previous")]
    assert swatch.get("stroke-dasharray")


def test_the_previous_period_lies_on_the_current_axis_point_by_point():
    previous = Series("Previous", weeks(1, 2, 3, start=MONDAY - datetime.timedelta(weeks=3)), "previous")
    chart = line_chart(title="Active", series=[Series("This period", weeks(4, 5, 6)), previous])
    current_xs = [x for x, _ in subpaths(line(chart))[0]]
    previous_xs = [x for x, _ in subpaths(line(chart, "previous"))[0]]
    assert current_xs == previous_xs


@pytest.mark.parametrize("maximum", [0, 1, 3, 4, 7, 10, 11, 99, 100, 101, 250, 999, 1234, 12345, 99999])
def test_ticks_are_round_and_cover_the_maximum(maximum):
    ticks = nice_ticks(maximum)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and ticks[-1] >= maximum and ticks[-2] < max(maximum, 1)
    assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))
    magnitude = 10 ** math.floor(math.log10(step))
    assert step / magnitude in (1, 2, 2.5, 5)
    assert 2 <= len(ticks) <= 6


def test_the_drawn_ticks_cover_the_highest_point():
    chart = line_chart(title="Active", series=[Series("This period", weeks(120, 310, 290))])
    root = parse(chart)
    assert texts(root, "chart-tick")[:5] == ["0", "100", "200", "300", "400"]
    top = float(marks(root, "line", "chart-grid")[-1].get("y1"))
    assert top <= min(y for _, y in subpaths(line(chart))[0])


def test_the_last_value_is_labelled():
    chart = line_chart(title="Active", series=[Series("This period", weeks(4, 1234, None))], unit="people")
    assert texts(parse(chart), "chart-value") == ["1,234\u00a0people"]


def test_x_labels_are_few_enough_not_to_overlap_and_end_on_the_last_day():
    chart = line_chart(title="Daily", series=[Series("Days", days(*range(90)))])
    root = parse(chart)
    labels = [e for e in marks(root, "text", "chart-tick") if e.get("text-anchor") == "middle"]
    assert 2 < len(labels) < 10
    for left, right in zip(labels, labels[1:], strict=False):
        room = float(right.get("x")) - float(left.get("x"))
        assert room >= (len(left.text) + len(right.text)) / 2 * CHAR
    assert labels[-1].text == "5 Dec"


def test_x_labels_are_dates_in_the_active_language_with_the_year_when_it_changes():
    winter = datetime.date(2026, 11, 2)
    with translation.override("fr"):
        chart = line_chart(title="Actifs", series=[Series("Semaines", weeks(*range(12), start=winter))])
    labels = [text for text in texts(parse(chart), "chart-tick") if not text.isdigit()]
    assert "déc." in " ".join(labels) and labels == ["23 nov. 2026", "21 déc.", "18 jan. 2027"]
    assert chart.table.rows[0][0] == "2 nov. 2026"


def test_a_single_point_is_a_dot_in_the_middle():
    chart = line_chart(title="Active", series=[Series("This week", weeks(42))])
    root = parse(chart)
    assert not marks(root, "path", "chart-line")
    (dot,) = marks(root, "circle", "chart-last")
    assert 150 < float(dot.get("cx")) < 250
    assert "42" in chart.description


@pytest.mark.parametrize(
    "series",
    [[], [Series("Weeks", [])], [Series("Weeks", weeks(None, None, None))]],
    ids=["none", "empty", "hidden"],
)
def test_no_figure_gives_an_empty_state(series):
    chart = line_chart(title="Active", series=series)
    assert chart.empty
    assert texts(parse(chart), "chart-empty") == ["No data for this period"]
    assert "No data for this period" in chart.description


def test_an_all_hidden_series_keeps_its_dates_in_the_table():
    chart = line_chart(title="Active", series=[Series("Weeks", weeks(None, None))])
    assert [row[1:] for row in chart.table.rows] == [["fewer than 5"], ["fewer than 5"]]


def test_zeros_are_a_flat_line_on_the_axis_not_a_division_by_zero():
    chart = line_chart(title="Active", series=[Series("Weeks", weeks(0, 0, 0))])
    (run,) = subpaths(line(chart))
    (axis,) = marks(parse(chart), "line", "chart-axis")
    assert {y for _, y in run} == {float(axis.get("y1"))}
    bars = bar_chart(title="By site", bars=[("Lyon", 0), ("Paris", 0)])
    assert not bars.empty and not marks(parse(bars), "rect", "chart-bar")
    assert pyramid_chart(title="Participation", lurkers=0, participants=0, contributors=0).empty
    assert bar_chart(title="By site", bars=[]).empty


def test_hostile_labels_are_escaped_everywhere():
    charts = [
        line_chart(
            title=HOSTILE, series=[Series(HOSTILE, weeks(1, 2)), Series(HOSTILE, weeks(1, 1), "previous")]
        ),
        bar_chart(title=HOSTILE, bars=[(HOSTILE * 3, 12), ("Legal", None)], hidden_label=HOSTILE),
        pyramid_chart(title=HOSTILE, lurkers=9, participants=None, contributors=1, hidden_label=HOSTILE),
    ]
    for chart in charts:
        svg = str(chart.svg)
        assert "<script" not in svg and "&lt;script&gt;" in svg
        root = parse(chart)
        assert root.find(SVG + "title").text == HOSTILE
        assert HOSTILE in root.find(SVG + "desc").text


def test_a_long_bar_label_is_truncated_with_the_full_label_as_a_tooltip():
    name = "Marketing & Communication, Brand and Digital Experience, Europe and Middle East"
    chart = bar_chart(title="By department", bars=[(name, 98)])
    (label,) = marks(parse(chart), "text", "chart-label")
    assert label.text.endswith("…") and name.startswith(label.text[:-1])
    assert label.find(SVG + "title").text == name
    assert chart.table.rows == [[name, "98"]]


def test_bars_are_proportional_and_a_hidden_figure_says_so():
    chart = bar_chart(
        title="By site", bars=[("Lyon", 120), ("Paris", 30), ("Nice", None)], hidden_label="< 5"
    )
    root = parse(chart)
    widths = [float(rect.get("width")) for rect in marks(root, "rect", "chart-bar")]
    assert len(widths) == 2 and widths[0] == pytest.approx(4 * widths[1])
    assert texts(root, "chart-value") == ["120", "30", "< 5"]
    assert marks(root, "text", "chart-value", "hidden")[0].text == "< 5"


@override_settings(ANALYTICS_MIN_GROUP=10)
def test_the_hidden_label_says_fewer_than_the_threshold_by_default():
    chart = bar_chart(title="By site", bars=[("Nice", None), ("Lyon", 40)])
    assert chart.table.rows[0] == ["Nice", "fewer than 10"]


def test_the_pyramid_stacks_contributors_on_top_narrowest_and_keeps_one_percent_visible():
    chart = pyramid_chart(title="Participation", lurkers=900, participants=90, contributors=10)
    bands = marks(parse(chart), "rect", "chart-band")
    assert [band.get("class").split()[1] for band in bands] == ["contributors", "participants", "lurkers"]
    tops = [float(band.get("y")) for band in bands]
    widths = [float(band.get("width")) for band in bands]
    assert tops == sorted(tops)
    assert 10 <= widths[0] < widths[1] < widths[2]
    centres = {round(float(band.get("x")) + float(band.get("width")) / 2, 1) for band in bands}
    assert len(centres) == 1
    assert chart.table.rows == [
        ["Contributors", "10", "1%"],
        ["Participants", "90", "9%"],
        ["Lurkers", "900", "90%"],
    ]
    assert "Contributors 10 (1%)" in chart.description


def test_a_hidden_pyramid_band_shows_no_shares():
    chart = pyramid_chart(title="Participation", lurkers=40, participants=6, contributors=None)
    assert chart.table.rows == [
        ["Contributors", "fewer than 5", "—"],
        ["Participants", "6", "—"],
        ["Lurkers", "40", "—"],
    ]
    assert "%" not in chart.description
    assert marks(parse(chart), "rect", "chart-band", "hidden")


def test_ids_are_unique_and_name_the_title_and_description():
    one, two = (line_chart(title="Active", series=[Series("Weeks", weeks(1, 2))]) for _ in range(2))
    assert one.id != two.id
    for chart in (one, two):
        root = parse(chart)
        assert root.get("role") == "img"
        title_id, desc_id = root.get("aria-labelledby").split()
        assert root.find(SVG + "title").get("id") == title_id and root.find(SVG + "desc").get("id") == desc_id
        assert chart.id in title_id
        assert root.get("viewBox") and not root.get("width")


def test_the_description_states_the_trend_in_one_sentence():
    chart = line_chart(title="Weekly active people", series=[Series("Weeks", weeks(*range(120, 320, 20)))])
    assert chart.description == "Weekly active people, 10 weeks: from 120 to 300."


def test_the_table_holds_every_value():
    current = weeks(120, None, 1500)
    previous = weeks(100, 110, 90)
    chart = line_chart(
        title="Active", series=[Series("Now", current), Series("Before", previous, "previous")]
    )
    assert chart.table.header == ["Date", "Now", "Before"]
    assert [row[1:] for row in chart.table.rows] == [["120", "100"], ["fewer than 5", "110"], ["1,500", "90"]]
    assert chart.table.rows[0][0] == "7 Sep 2026"


def test_french_figures_and_texts():
    with translation.override("fr"):
        chart = pyramid_chart(title="Participation", lurkers=12000, participants=995, contributors=5)
        hidden = bar_chart(title="Par site", bars=[("Nice", None)])
    assert chart.table.rows[2] == ["Observateurs", "12\u00a0000", "92\u00a0%"]
    assert chart.table.rows[1][2] == "8\u00a0%" and chart.table.rows[0][2] == "<\u00a00,1\u00a0%"
    assert hidden.table.rows == [["Nice", "moins de 5"]]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_template_shows_the_chart_and_a_table_without_javascript(language):
    chart = bar_chart(title=HOSTILE, bars=[("Lyon", 12), ("Nice", None)])
    with translation.override(language):
        html = render_to_string("analytics/_chart.html", {"chart": chart})
    summary = {"en": "Show as a table", "fr": "Afficher sous forme de tableau"}[language]
    assert f"<summary>{summary}</summary>" in html
    assert str(chart.svg) in html and "<script" not in html
    assert "<caption>&lt;script&gt;" in html
    assert '<th scope="row">Lyon</th>' in html and '<th scope="col"' in html
    assert "<script>" not in html


@pytest.mark.parametrize("current", [weeks(None, None), []], ids=["hidden", "empty"])
def test_a_current_series_without_figures_beside_a_previous_one(current):
    chart = line_chart(
        title="Active", series=[Series("Now", current), Series("Before", weeks(3, 4), "previous")]
    )
    root = parse(chart)
    assert not chart.empty and subpaths(line(chart, "previous"))
    assert not marks(root, "path", "chart-line", "current") and not texts(root, "chart-value")
    assert chart.description == "Active, 2 weeks: Now no data; Before from 3 to 4."
    assert len(chart.table.rows) == 2


def test_pyramid_bands_take_the_callers_names():
    chart = pyramid_chart(
        title="Members", lurkers=50, participants=8, contributors=2, labels=("Writing", "Answering", "Silent")
    )
    assert [row[0] for row in chart.table.rows] == ["Writing", "Answering", "Silent"]
    assert "Silent" in chart.svg and "Lurkers" not in chart.svg
