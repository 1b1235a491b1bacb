"""What a web process does once, when the site is loaded: config/asgi.py and config/wsgi.py call it.

Python's cyclic garbage collector ran every 2,000 new objects and, at each pass of its older
generations, walked the whole heap: the site's modules, URL patterns, compiled templates and kept
cards, some 260,000 objects that live as long as the process. It took 15 % of a feed request's CPU
(0.75 ms of 4.9, docs/performance.md, "third pass"). A request's garbage is freed by reference
counting as it goes; the collector is only for cycles, which a request makes few of. So the loaded
site is frozen (never walked again) and the collector runs every `GC_THRESHOLD` new objects: not
many more, for a pass stops every thread of the process, and a pass over 50,000 young objects took
21-64 ms where ten passes over 5,000 took under 2 ms each (docs/performance.md, "eighth pass").
"""

import gc

from django.conf import settings


def settle_web_process() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (every view's module imported now, before the freeze)
    gc.freeze()
    gc.set_threshold(settings.GC_THRESHOLD, *gc.get_threshold()[1:])
