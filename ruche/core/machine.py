"""Paths that programs read, not people (Ruche's API, the Mastodon client API, OAuth, SCIM): their
errors are answered in each standard's own shape, never as an HTML page, even when no view ran (bad
input refused by the input guard, a server error, an unknown path under the prefix).

Each app registers its prefixes in `AppConfig.ready`; `shape_for(path)` gives the longest match.
"""

from collections.abc import Callable

from django.http import HttpResponse

# (status, message) -> the response a client of that interface understands.
ErrorShape = Callable[[int, str], HttpResponse]

_SHAPES: dict[str, ErrorShape] = {}


def register_error_shape(prefix: str, shape: ErrorShape) -> None:
    if not prefix.startswith("/"):
        raise ValueError(f"An error shape's prefix is a path: {prefix!r}")
    if _SHAPES.get(prefix, shape) is not shape:
        raise ValueError(f"Two error shapes for {prefix}")
    _SHAPES[prefix] = shape


def shape_for(path: str) -> ErrorShape | None:
    found = [prefix for prefix in _SHAPES if path.startswith(prefix)]
    return _SHAPES[max(found, key=len)] if found else None
