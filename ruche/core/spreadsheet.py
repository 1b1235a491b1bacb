"""CSV exports that a spreadsheet opens safely: a text starting like a formula (=, +, -, @, tab,
carriage return) is written as text, whatever column it is in; numbers stay numbers."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename: str, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Streamed, UTF-8 with a byte-order mark so that Excel reads accents right."""
    writer = csv.writer(_Echo())
    lines = (writer.writerow([safe_cell(value) for value in row]) for row in rows)
    response = StreamingHttpResponse(_with_bom(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_bom(lines):
    yield "\ufeff"
    yield from lines
