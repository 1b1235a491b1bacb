"""Input that must not reach a view: what the database cannot keep, or what did not arrive whole.

PostgreSQL stores no NUL character (U+0000) in text and cannot encode a lone surrogate; SQLite keeps
both silently. Django decodes a form or a query string that is not UTF-8 with replacement characters,
and parses a multipart body cut short as if it were whole. `fault_of(request)` finds the first such
fault anywhere in a request (its path, its query string, its form fields, its JSON body) so that the
request is refused whole, naming the field, before anything is written: the same on both databases,
for every form and every API operation, without each of them having to think of it.
"""

import json
from collections import deque
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote_to_bytes

from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # a bigint column (and SQLite's INTEGER) holds no more
REPLACEMENT = "\ufffd"  # what Django decodes a byte that is not UTF-8 to
JSON_TYPES = {"application/json"}


class Kind(StrEnum):
    NUL = "nul"
    SURROGATE = "surrogate"
    NOT_UTF8 = "not_utf8"
    OUT_OF_RANGE = "out_of_range"
    TRUNCATED = "truncated"
    MALFORMED = "malformed"
    UNREADABLE = "unreadable"  # the connection failed while the body was read (cut, or stalled)


@dataclass(frozen=True)
class Fault:
    kind: Kind
    field: str | None = None  # the form field, query parameter or JSON key at fault
    in_path: bool = False  # a path holding it cannot exist: 404

    @property
    def message(self) -> str:
        """In the active language: read it once the caller's language is known."""
        named, unnamed = _messages()[self.kind]
        return named % {"field": self.field} if self.field and named else unnamed


def _messages() -> dict[Kind, tuple[str | None, str]]:
    return {
        Kind.NUL: (
            _("The field “%(field)s” contains a null character (U+0000), which cannot be stored."),
            _("The request contains a null character (U+0000), which cannot be stored."),
        ),
        Kind.SURROGATE: (
            _(
                "The field “%(field)s” contains an invalid character (a lone surrogate), which cannot be stored."
            ),
            _("The request contains an invalid character (a lone surrogate), which cannot be stored."),
        ),
        Kind.NOT_UTF8: (
            _("The field “%(field)s” is not valid UTF-8 text."),
            _("The request body is not valid UTF-8 text."),
        ),
        Kind.OUT_OF_RANGE: (
            _("The field “%(field)s” is out of range."),
            _("A number in the request is out of range."),
        ),
        Kind.TRUNCATED: (
            None,
            _("The form arrived incomplete (the upload was cut short): nothing was saved, send it again."),
        ),
        Kind.MALFORMED: (
            None,
            _("The form could not be read (malformed multipart body): nothing was saved."),
        ),
        Kind.UNREADABLE: (
            None,
            _(
                "The request did not arrive whole (the connection was cut or stalled): nothing was saved, send it again."
            ),
        ),
    }


# Paths whose views read their body themselves, capped and checked (ruche.integrations' incoming
# webhooks: a 10 MB body is refused before it is read), registered at start-up by their app.
_own_body: list[str] = []


def register_own_body(prefix: str) -> None:
    if prefix not in _own_body:
        _own_body.append(prefix)


def fault_of(request, *, api: bool = False) -> Fault | None:
    """The first fault of the request, or None. `api`: every body is JSON there (django-ninja reads
    it whatever its content type says) and no operation takes a form."""
    fault = _path_fault(request.path_info) or _query_fault(request)
    if fault or request.path_info.startswith(tuple(_own_body)):
        return fault
    try:
        return _body_fault(request, api=api)
    except UnreadablePostError:  # the client, not the page: a 400, not a 500
        return Fault(Kind.UNREADABLE)


# Text ----------------------------------------------------------------------------------------------


def printable(name: str) -> str:
    """A field's name as it can be shown, even when the name itself holds the bad character."""
    return name.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")


def _text_fault(text: str, field: str | None) -> Fault | None:
    if "\x00" in text:
        return Fault(Kind.NUL, field)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Fault(Kind.SURROGATE, field)
    return None


def _path_fault(path: str) -> Fault | None:
    fault = _text_fault(path, None)
    return Fault(fault.kind, in_path=True) if fault else None


# Url-encoded: query strings and form bodies ----------------------------------------------------------


def _decoded(raw: bytes) -> str | None:
    """A url-encoded name or value as text; None when its bytes are not UTF-8."""
    try:
        return unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return None


def urlencoded_fault(raw: bytes) -> Fault | None:
    """Django splits on `&` and decodes leniently; this reads the same pairs strictly."""
    for pair in raw.split(b"&"):
        if not pair:
            continue
        raw_name, _equals, raw_value = pair.partition(b"=")
        name = _decoded(raw_name)
        if name is None:
            return Fault(Kind.NOT_UTF8, printable(unquote_to_bytes(raw_name).decode("utf-8", "replace")))
        value = _decoded(raw_value)
        if value is None:
            return Fault(Kind.NOT_UTF8, printable(name))
        if fault := _text_fault(name + value, printable(name)):
            return fault
    return None


def _query_fault(request) -> Fault | None:
    query = request.META.get("QUERY_STRING", "")
    try:
        raw = query.encode("latin-1")  # WSGI hands the bytes over as latin-1 text (PEP 3333)
    except UnicodeEncodeError:
        raw = query.encode("utf-8", "surrogatepass")
    return urlencoded_fault(raw)


# Bodies --------------------------------------------------------------------------------------------


def _body_fault(request, *, api: bool) -> Fault | None:
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        # The API takes JSON only: django-ninja refuses the body itself (it must stay unread here).
        return None if api or request.method != "POST" else _multipart_fault(request)
    if content_type == "application/x-www-form-urlencoded":
        return _json_fault(request) if api else _form_fault(request)
    if api or content_type in JSON_TYPES or content_type.endswith("+json"):
        return _json_fault(request)
    return None


def _form_fault(request) -> Fault | None:
    return urlencoded_fault(request.body) if request.method == "POST" else None


def _json_fault(request) -> Fault | None:
    body = request.body
    if not body:
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Fault(Kind.NOT_UTF8)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None  # not JSON at all: the view answers that itself
    return json_value_fault(data)


def json_value_fault(data) -> Fault | None:
    """Every key and string must be storable text and every integer fit a bigint. Items of a list are
    named after the list (`communities`), as the API names them in its other errors."""
    pending = deque([(data, ())])
    while pending:
        value, path = pending.popleft()
        field = ".".join(printable(part) for part in path) or None
        if isinstance(value, dict):
            for key, item in value.items():
                if fault := _text_fault(key, ".".join(printable(p) for p in (*path, key))):
                    return fault
                pending.append((item, (*path, key)))
        elif isinstance(value, list):
            pending.extend((item, path) for item in value)
        elif isinstance(value, str):
            if fault := _text_fault(value, field):
                return fault
        elif isinstance(value, int) and not isinstance(value, bool) and not INT64_MIN <= value <= INT64_MAX:
            return Fault(Kind.OUT_OF_RANGE, field)
    return None


class _WatchedStream:
    """The request's input while Django parses a multipart body: how many bytes came, whether the
    closing boundary came, and whether the bytes of U+FFFD came (else a U+FFFD in a decoded field
    is a byte that was not UTF-8)."""

    def __init__(self, stream, closing: bytes):
        self.stream = stream
        self.closing = closing
        self.received = 0
        self.closed = False
        self.replacement_sent = False
        self._tail = b""

    def read(self, *args):
        return self._watch(self.stream.read(*args))

    def readline(self, *args):
        return self._watch(self.stream.readline(*args))

    def _watch(self, chunk: bytes) -> bytes:
        self.received += len(chunk)
        window = self._tail + chunk  # a marker may straddle two chunks
        self.closed = self.closed or self.closing in window
        self.replacement_sent = self.replacement_sent or REPLACEMENT.encode() in window
        self._tail = window[-len(self.closing) :]
        return chunk


def _multipart_fault(request) -> Fault | None:
    boundary = request.content_params.get("boundary", "")
    if not boundary:
        return Fault(Kind.MALFORMED)
    watched = _WatchedStream(request._stream, b"--" + boundary.encode("latin-1", "replace") + b"--")
    request._stream = watched
    try:
        fields, files = request.POST, request.FILES
    except MultiPartParserError:
        return Fault(Kind.MALFORMED)
    finally:
        request._stream = watched.stream
    expected = int(request.META.get("CONTENT_LENGTH") or 0)
    if not watched.closed or watched.received < expected:
        return Fault(Kind.TRUNCATED)
    named = [(name, values) for name, values in fields.lists()]
    named += [(name, [upload.name or "" for upload in uploads]) for name, uploads in files.lists()]
    for name, values in named:
        for text in (name, *values):
            if fault := _text_fault(text, printable(name)):
                return fault
            if REPLACEMENT in text and not watched.replacement_sent:
                return Fault(Kind.NOT_UTF8, printable(name))
    return None
