"""Company-wide settings kept as one row (pk 1) and read on many requests: cached for a minute."""

from django.core.cache import cache

SECONDS = 60  # several servers without a shared cache: a minute late at most


def cached_row(model, key: str):
    """`model`'s row, from the cache when there; its unsaved defaults when it was never saved."""
    found = cache.get(key)
    if found is None:
        found = model.objects.filter(pk=1).first() or model(pk=1)
        cache.set(key, found, SECONDS)
    return found
