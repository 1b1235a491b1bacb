"""Ids from outside (a URL, a query string, a JSON body) are positive and fit a bigint.

A longer number is no row's id: it is refused where it comes in (404 in a path, 400 or 422 in a
query or a body) instead of reaching the database, where SQLite cannot even bind it ("Python int too
large to convert to SQLite INTEGER") and PostgreSQL compares it as a numeric.
"""

from django import forms
from django.core.exceptions import ValidationError

ID_MAX = 2**63 - 1


class IdConverter:
    """`<id:pk>` in URL patterns (and `{id:post_id}` in API paths): digits that fit a bigint. Any
    other value matches no pattern, so the answer is 404, as for an id no row has."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError("beyond a bigint")  # Django takes it as "no match"
        return number

    def to_url(self, value) -> str:
        return str(value)


def parse_id(raw) -> int | None:
    """A positive id that fits a bigint, from text; None for anything else."""
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


class IdsField(forms.ModelMultipleChoiceField):
    """ModelMultipleChoiceField whose ids are checked to fit a bigint before the `__in` query (which
    SQLite cannot even bind with a longer number): a longer one is an invalid choice, as on PostgreSQL."""

    def _check_values(self, value):
        for raw in value or ():
            if parse_id(raw) is None and str(raw).strip().lstrip("-").isdigit():
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": raw}
                )
        return super()._check_values(value)
