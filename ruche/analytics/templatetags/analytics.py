"""How a figure reads on a page: hidden ones as "fewer than 5", missing ones as a dash."""

import datetime

from django import template
from django.template.defaultfilters import date as format_date
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ruche.analytics.tables import HIDDEN, hidden_label

register = template.Library()


@register.filter
def figure(value, kind: str = "int") -> str:
    if value is HIDDEN:
        return hidden_label()
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return format_date(value, "YEAR_MONTH_FORMAT" if kind == "month" else "SHORT_DATE_FORMAT")
    if kind == "percent":
        return f"{number_format(value, decimal_pos=1)} %"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    if isinstance(value, int):
        return number_format(value, force_grouping=True)
    return str(value)


@register.filter
def is_hidden(value) -> bool:
    return value is HIDDEN


@register.simple_tag
def change(now, before) -> dict:
    """The change from the previous period, as an arrow and a percentage (or nothing to compare)."""
    if now is HIDDEN or before is HIDDEN or now is None or before in (None, 0):
        return {"shown": False}
    delta = round(100 * (now - before) / before)
    if delta > 0:
        return {
            "shown": True,
            "text": f"+{delta} %",
            "direction": "up",
            "label": _("up from %(v)s") % {"v": figure(before)},
        }
    if delta < 0:
        return {
            "shown": True,
            "text": f"−{-delta} %",
            "direction": "down",
            "label": _("down from %(v)s") % {"v": figure(before)},
        }
    return {"shown": True, "text": "=", "direction": "same", "label": _("as in the previous period")}
