"""Writes on the search index (called by tasks after the commit that changed the content), and
what a search tells the apps above (SearchRan)."""

import time
from collections.abc import Callable, Iterable

from django.db import transaction

from ruche.core.events import publish
from ruche.search.backends import index
from ruche.search.documents import BATCH, BUILDERS, INDEXED, SAME_OBJECTS, Kind
from ruche.search.events import SearchRan


def search_ran(*, user, query: str, total: int, offset: int = 0) -> None:
    """Tell who counts searches (the analytics) that someone searched: once per query, not for its
    next pages."""
    if query.strip() and not offset:
        publish(SearchRan(user_id=user.pk, query=query, found=total > 0))


@transaction.atomic
def search_reindex(*, kind: str, ids: Iterable[int]) -> int:
    """Bring these objects' documents up to date: indexed again if they may be found, else removed."""
    ids = sorted({int(pk) for pk in ids})
    if not ids:
        return 0
    backend = index()
    inserted = 0
    for each in SAME_OBJECTS.get(Kind(kind), (kind,)):
        backend.delete(each, ids)
        inserted += backend.insert(each, BUILDERS[Kind(each)](ids))
    return inserted


def search_rebuild(
    *,
    kinds: Iterable[str] | None = None,
    batch: int = BATCH,
    progress: Callable[[str, int, float], None] | None = None,
) -> dict[str, int]:
    """Empty and fill the index, kind by kind, one transaction per batch (readers are never blocked
    for long). `progress(kind, done, seconds)` is called after each batch."""
    backend = index()
    counts = {}
    for kind in kinds or INDEXED:
        started = time.monotonic()
        with transaction.atomic():
            backend.clear(kind)
        done = 0
        pending = []
        for document in BUILDERS[Kind(kind)](None):
            pending.append(document)
            if len(pending) >= batch:
                done += _flush(backend, kind, pending)
                if progress:
                    progress(kind, done, time.monotonic() - started)
        done += _flush(backend, kind, pending)
        backend.optimize(kind)
        if progress:
            progress(kind, done, time.monotonic() - started)
        counts[kind] = done
    return counts


def _flush(backend, kind: str, pending: list) -> int:
    with transaction.atomic():
        written = backend.insert(kind, pending)
    pending.clear()
    return written
