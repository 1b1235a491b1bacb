"""URLs for things shown many times on a page (cards, avatars): reverse() once, then format.

A feed page links each post and person a dozen times; resolving each with reverse() cost more
than all the page's SQL. The pattern is computed once per process from the real URLconf.
"""

from functools import cache

from django.urls import reverse

_MARK = "999999999"


@cache
def _pattern(name: str) -> str:
    return reverse(name, args=[_MARK]).replace(_MARK, "{}")


def path_for(name: str, key) -> str:
    """reverse(name, args=[key]) for a one-argument URL, without resolving every time."""
    return _pattern(name).format(key)


@cache
def path(name: str) -> str:
    """reverse(name) for a URL without arguments (the page header's links), resolved once."""
    return reverse(name)
