"""The last wall before the database: no row of Ruche's is saved with text its column cannot hold.

Input is checked where it comes in (ruche.core.input, forms, API schemas); this catches what a check
there missed, or what comes from elsewhere (an import, a command). PostgreSQL refuses text longer than
a varchar and any NUL character with a 500; SQLite keeps both silently. Here both databases refuse
them the same way, with a ValidationError naming the field, before anything is written.
"""

from functools import cache

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.db import models

_no_null = ProhibitNullCharactersValidator()


@cache
def _text_fields(model) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField))


def refuse_unstorable_text(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save, for the models of Ruche's apps."""
    if raw or not sender.__module__.startswith("ruche."):
        return
    for field in _text_fields(sender):
        if update_fields is not None and field.name not in update_fields:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            _check(field, value)


def _check(field, value: str) -> None:
    try:
        _no_null(value)
        value.encode("utf-8")  # a lone surrogate cannot be encoded, nor stored
        if field.max_length is not None:
            MaxLengthValidator(field.max_length)(value)
    except UnicodeEncodeError:
        from ruche.core.input import Fault, Kind

        raise ValidationError({field.name: Fault(Kind.SURROGATE, field.name).message}) from None
    except ValidationError as error:
        raise ValidationError({field.name: error.messages}) from None
