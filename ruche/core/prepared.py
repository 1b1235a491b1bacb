"""Hot-path queries compiled once per process, then run with each call's values.

On the home page, building and compiling a queryset cost several times more than running it
(docs/performance.md). A prepared query is written with the ORM as usual, by a function whose
arguments are either *values* (the viewer, ids, a cursor, a moment, a key: they become SQL
parameters) or *shape* (anything else: None, a flag, a limit, a setting). It is built and compiled
once per database and shape, with placeholder values; each call puts its own values in the
placeholders' parameters and lets Django turn the rows into objects, exactly as the queryset would.

    @prepared("viewer", "before")
    def feed_entries(viewer, before, size):
        entries = FeedEntry.objects.filter(user=viewer)
        if before is not None:  # a value left out is shape: a query of its own
            entries = entries.filter(post_id__lt=before)
        return entries.order_by("-post_id")[:size]

    feed_entries(viewer=user, before=None, size=11)

The function must depend on nothing but its arguments (read settings in the caller and pass them
as shape). A value is an int, a string compared as it is (a session's key: never a pattern), a set
of ints given as a list (for `__in`: its size, rounded up to a power of two, is shape; the list is
padded by repeating an item), an aware datetime, or a person: a signed-in one stands in as an
unsaved user with a placeholder id and the same `is_active` and `is_staff` (shape); an anonymous one
is shape.

What this cannot reproduce is refused when the query is compiled, never run wrong:
- it is compiled twice, with other placeholders and a stand-in person whose every other field
  differs (flags flipped, other numbers, texts and moments): any difference between the two
  compilations that is not a placeholder means the query read something it cannot carry (arithmetic
  on a value, `viewer.is_superuser`, `viewer.language`, whether `viewer.activated_at` is set...);
- a value Django writes into the SQL or transforms (a LIKE pattern) is refused;
- `prefetch_related` is refused: its extra queries would be silently dropped.
"""

import copy
import itertools
from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Model

_numbers = itertools.count(-7_340_000_000, -1)  # ids no row has
_EPOCH = datetime(1901, 1, 1, tzinfo=UTC)


def _shape(value) -> object:
    if value is None:
        return None
    if isinstance(value, list | tuple):
        return ("list", _padded(len(value)))
    if isinstance(value, Model):
        return ("person", value.is_active, value.is_staff)
    if hasattr(value, "is_authenticated"):
        return ("anonymous",)
    return type(value).__name__


class _Placeholders:
    """Placeholder values for one compilation (`variant` 0 or 1), and which argument each stands for."""

    def __init__(self, adapt_datetime, variant: int):
        self.adapt_datetime, self.variant = adapt_datetime, variant
        self.sources: dict = {}  # placeholder, as it appears in the SQL's parameters -> source
        self.markers: list[str] = []  # what betrays a placeholder written into the SQL or transformed

    def _number(self, source) -> int:
        number = next(_numbers)
        self.sources[number] = source
        self.markers.append(str(number))
        return number

    def stand_in(self, name: str, value):
        if isinstance(value, list | tuple):
            return [self._number((name, i)) for i in range(_padded(len(value)))]
        if isinstance(value, datetime):
            moment = _EPOCH + timedelta(microseconds=-next(_numbers))
            self.sources[self.adapt_datetime(moment)] = (name, "datetime")
            return moment
        if isinstance(value, Model):
            model = value.__class__  # the model itself, also through a lazy request.user
            person = model(pk=self._number((name, "pk")), is_active=value.is_active, is_staff=value.is_staff)
            self._vary(person)
            return person
        if hasattr(value, "is_authenticated"):
            return value  # anonymous: nothing to stand in for
        if isinstance(value, str):  # with the characters a pattern would escape: a LIKE is caught
            number = next(_numbers)
            self.markers.append(str(number))
            text = f"%_{number}_%"
            self.sources[text] = (name, None)
            return text
        return self._number((name, None))

    def _vary(self, person) -> None:
        """Give the stand-in's other fields values that differ from one variant to the other."""
        for field in person._meta.concrete_fields:
            if field.primary_key or field.attname in SHAPE_FIELDS:
                continue
            if field.null and not self.variant:
                value = None  # "is it set?" must be asked of the query, not of the stand-in
            elif isinstance(field, models.BooleanField):
                value = bool(self.variant)
            elif isinstance(field, models.DateTimeField):
                value = _EPOCH + timedelta(days=1 + self.variant, microseconds=-next(_numbers))
            elif isinstance(field, models.DateField):
                value = date(1901 + self.variant, 1, 1)
            elif isinstance(field, models.IntegerField | models.ForeignKey | models.OneToOneField):
                value = next(_numbers)
            elif isinstance(field, models.CharField | models.TextField):
                value = f"stand-in {self.variant}"
            else:
                continue  # JSON and the like: never read by a policy so far
            setattr(person, field.attname, value)


SHAPE_FIELDS = {"is_active", "is_staff"}


class _Compiled:
    """One shape of the query: Django's compiler once it compiled, the SQL, where values go."""

    def __init__(self, queryset=None, compiler=None, sql: str = "", slots: tuple = ()):
        self.queryset, self.compiler, self.sql, self.slots = queryset, compiler, sql, slots
        # What two compilations must share: each parameter's source, or its fixed value.
        self.template = tuple(source or ("fixed", repr(fixed)) for fixed, source in slots)
        # How each column's values are converted (SQLite's dates...): asked once, not for every run.
        columns = [column for column, *_ in compiler.select[: compiler.col_count]] if compiler else []
        self.converters = compiler.get_converters(columns) if compiler else {}

    def params(self, values: dict, adapt_datetime) -> list:
        params = []
        for fixed, source in self.slots:
            if source is None:
                params.append(fixed)
                continue
            name, part = source
            value = values[name]
            if part == "pk":
                value = value.pk
            elif part == "datetime":
                value = adapt_datetime(value)
            elif part is not None:
                value = value[min(part, len(value) - 1)]  # padding: the last item again
            params.append(value)
        return params


class PreparedQuery:
    def __init__(self, build, value_names: tuple[str, ...]):
        self.build, self.value_names = build, frozenset(value_names)
        self.__doc__, self.__qualname__ = build.__doc__, build.__qualname__
        self.compiled: dict = {}

    def __call__(self, **values) -> list:
        """The rows the queryset would give (models, dicts or tuples), in one query."""
        compiled, connection = self._compiled(values)
        if compiled.queryset is None:
            return []  # the query can match nothing (e.g. an empty list of ids)
        params = compiled.params(values, connection.ops.adapt_datetimefield_value)
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection  # this thread's connection, not the compiling one's
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        compiler.get_converters = lambda expressions: compiled.converters
        queryset = compiled.queryset.all()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset._iterable_class(queryset))

    def sql(self, **values) -> tuple[str, list]:
        """The SQL and its parameters, to use as a subquery of ids (`RawSQL`); for a query that can
        match nothing, one that selects no id."""
        compiled, connection = self._compiled(values)
        if compiled.queryset is None:
            return "SELECT 0 WHERE 1 = 0", []
        return compiled.sql, compiled.params(values, connection.ops.adapt_datetimefield_value)

    def _compiled(self, values: dict):
        if missing := self.value_names - values.keys():
            raise TypeError(f"{self.__qualname__}() needs {', '.join(sorted(missing))}")
        connection = connections[DEFAULT_DB_ALIAS]
        shape = tuple(
            (name, _shape(v) if name in self.value_names else v) for name, v in sorted(values.items())
        )
        key = (connection.alias, connection.vendor, shape)
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self._compile(connection, values)
        return compiled, connection

    def _compile(self, connection, values: dict) -> _Compiled:
        """Compiled twice with other stand-ins: the two must differ by their placeholders only."""
        first, second = (self._compile_variant(connection, values, variant) for variant in (0, 1))
        if first.sql != second.sql or first.template != second.template:
            raise ValueError(
                f"{self.__qualname__}: the query changes with more than its values (arithmetic on a "
                "value, or a field of the person other than is_active/is_staff): it cannot be prepared"
            )
        return first

    def _compile_variant(self, connection, values: dict, variant: int) -> _Compiled:
        placeholders = _Placeholders(connection.ops.adapt_datetimefield_value, variant)
        arguments = {
            name: placeholders.stand_in(name, value)
            if name in self.value_names and value is not None
            else value
            for name, value in values.items()
        }
        queryset = self.build(**arguments)
        if queryset._prefetch_related_lookups:
            raise ValueError(
                f"{self.__qualname__}: prefetch_related cannot be prepared (its queries would be lost)"
            )
        compiler = queryset.query.get_compiler(connection=connection)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _Compiled()
        slots = tuple(
            (None, placeholders.sources[p]) if _is_placeholder(p, placeholders) else (p, None) for p in params
        )
        others = " ".join([sql, *(str(fixed) for fixed, source in slots if source is None)])
        if transformed := [marker for marker in placeholders.markers if marker in others]:
            # A value Django wrote into the SQL or turned into another (a LIKE pattern): it cannot be
            # put back. (A value the query does not use in this shape is simply left out.)
            raise ValueError(f"{self.__qualname__}: no SQL parameter carries {', '.join(transformed)}")
        return _Compiled(queryset, compiler, sql, slots)


def _padded(size: int) -> int:
    """Sets of 5 to 8 ids share one query, etc.: a handful of shapes instead of one per size."""
    return 1 << (size - 1).bit_length() if size else 0


def _is_placeholder(param, placeholders: _Placeholders) -> bool:
    try:
        return param in placeholders.sources
    except TypeError:  # an unhashable parameter (a list, for an array field) is never one
        return False


def prepared(*value_names: str):
    """Decorate a function returning a queryset: see the module's docstring."""
    return lambda build: PreparedQuery(build, value_names)
