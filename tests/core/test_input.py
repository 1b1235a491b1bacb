"""The checks behind the input guard, alone: what each kind of bad input is called, and where."""

import pytest
from django.utils import translation

from ruche.core.ids import ID_MAX, IdConverter, parse_id
from ruche.core.input import Fault, Kind, json_value_fault, urlencoded_fault
from tests.core.i18n import in_french


@pytest.mark.parametrize(
    ("raw", "fault"),
    [
        (b"q=caf%C3%A9&page=2", None),
        (b"q=a+b&empty=&flag", None),
        (b"q=a%00b", Fault(Kind.NUL, "q")),
        (b"a%00=1", Fault(Kind.NUL, "a\\0")),
        (b"q=caf%E9", Fault(Kind.NOT_UTF8, "q")),
        (b"caf%E9=1", Fault(Kind.NOT_UTF8, "caf\ufffd")),
        (b"q=caf\xe9", Fault(Kind.NOT_UTF8, "q")),
        (b"ok=1&&body=%ED%A0%80", Fault(Kind.NOT_UTF8, "body")),  # an encoded surrogate is not UTF-8
    ],
)
def test_urlencoded_text_is_read_strictly(raw, fault):
    assert urlencoded_fault(raw) == fault


@pytest.mark.parametrize(
    ("data", "fault"),
    [
        ({"body": "Bonjour", "communities": [1, 2], "ok": True, "n": None, "x": 1.5}, None),
        ({"body": "a\x00b"}, Fault(Kind.NUL, "body")),
        ({"body": "a\ud800b"}, Fault(Kind.SURROGATE, "body")),
        ({"kinds": {"mention\x00": {"app": True}}}, Fault(Kind.NUL, "kinds.mention\\0")),
        ({"kinds": {"mention": {"app": "\x00"}}}, Fault(Kind.NUL, "kinds.mention.app")),
        ({"communities": [1, ID_MAX + 1]}, Fault(Kind.OUT_OF_RANGE, "communities")),
        ({"n": -(2**63) - 1}, Fault(Kind.OUT_OF_RANGE, "n")),
        ({"n": ID_MAX, "m": -(2**63)}, None),
        (["a\x00"], Fault(Kind.NUL, None)),
        ("\x00", Fault(Kind.NUL, None)),
    ],
)
def test_json_values_must_be_storable(data, fault):
    assert json_value_fault(data) == fault


@pytest.mark.parametrize("kind", list(Kind))
def test_every_message_is_translated_and_names_the_field(kind):
    with translation.override("en"):
        named, unnamed = Fault(kind, "body").message, Fault(kind).message
    assert unnamed and in_french(unnamed)
    if kind not in {Kind.TRUNCATED, Kind.MALFORMED, Kind.UNREADABLE}:  # the whole body, never a field
        assert "“body”" in named and in_french(named.replace("body", "%(field)s"), field="body")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", 1), (" 42 ", 42), (str(ID_MAX), ID_MAX), (str(ID_MAX + 1), None), ("0", None), ("-3", None),
     ("", None), (None, None), ("abc", None), ("١٢", None), ("1" * 30, None)],
)  # fmt: skip
def test_parse_id_takes_positive_bigints_only(raw, expected):
    assert parse_id(raw) == expected


def test_the_id_converter_refuses_what_a_bigint_cannot_hold():
    converter = IdConverter()
    assert converter.to_python(str(ID_MAX)) == ID_MAX
    with pytest.raises(ValueError):
        converter.to_python(str(ID_MAX + 1))
