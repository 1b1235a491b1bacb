"""Mastodon's pagination over integer keyset ids (posts, notifications, follows...).

`page(request, queryset, key="pk")` reads `limit` (default 20, at most 40), `max_id` (older than),
`since_id` (newer than, newest first) and `min_id` (the page right after it: oldest first in SQL,
then reversed, so a client catching up walks forward without gaps), and returns the rows, newest
first. `link_header(request, rows, key=...)` builds `Link: <…?max_id=X>; rel="next", <…?min_id=Y>;
rel="prev"` from the page's last and first rows, keeping the other query parameters.

The queryset must already be filtered for the viewer (visible_posts and friends): pagination never
decides what is shown, only where the page starts.
"""

from urllib.parse import urlencode

from django.http import JsonResponse

DEFAULT_LIMIT = 20
MAX_LIMIT = 40


def as_id(value) -> int | None:
    """A Mastodon id from the query (a string of digits) or None; anything else is ignored as
    Mastodon does."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**63 else None


def limit_of(request, default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT) -> int:
    number = as_id(request.GET.get("limit"))
    return default if not number else min(number, maximum)


def page(
    request, queryset, *, key: str = "pk", default: int = DEFAULT_LIMIT, maximum: int = MAX_LIMIT
) -> list:
    """One page of `queryset` (rows, newest first) by the query's max_id / since_id / min_id."""
    limit = limit_of(request, default, maximum)
    max_id, since_id, min_id = (as_id(request.GET.get(name)) for name in ("max_id", "since_id", "min_id"))
    if max_id is not None:
        queryset = queryset.filter(**{f"{key}__lt": max_id})
    if since_id is not None:
        queryset = queryset.filter(**{f"{key}__gt": since_id})
    if min_id is not None and since_id is None:
        rows = list(queryset.filter(**{f"{key}__gt": min_id}).order_by(key)[:limit])
        return rows[::-1]
    return list(queryset.order_by(f"-{key}")[:limit])


def link_header(request, rows, *, key: str = "pk") -> str | None:
    """`Link` for a page of rows (newest first); None for an empty page (as Mastodon)."""
    if not rows:
        return None
    base = request.build_absolute_uri(request.path)
    kept = [
        (k, v)
        for k, values in request.GET.lists()
        for v in values
        if k not in {"max_id", "min_id", "since_id"}
    ]

    def url(name, row):
        return base + "?" + urlencode([*kept, (name, str(_key(row, key)))])

    return f'<{url("max_id", rows[-1])}>; rel="next", <{url("min_id", rows[0])}>; rel="prev"'


def _key(row, key: str):
    return row[key] if isinstance(row, dict) else getattr(row, key)


def paged_response(request, rows, data: list, *, key: str = "pk") -> JsonResponse:
    """The JSON list `data` (serialised from `rows`) with its Link header."""
    response = JsonResponse(data, safe=False)
    link = link_header(request, rows, key=key)
    if link:
        response["Link"] = link
    return response
