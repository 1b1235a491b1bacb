# TEMP STUB (not committed)
from dataclasses import dataclass


@dataclass
class Series:
    label: str
    points: list
    kind: str = "current"


@dataclass
class Chart:
    svg: str = ""
    table: object = None


def line_chart(**kw):
    return Chart()


def bar_chart(**kw):
    return Chart()


def pyramid_chart(**kw):
    return Chart()
