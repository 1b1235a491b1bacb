"""`/events/` served without Django's middleware stack.

Django's ASGI handler gives every request its own thread-sensitive context and runs our synchronous
middleware there, in a thread that lives as long as the request: for a stream that stays open for
minutes, a thread per browser (measured: ~0.7 MiB each, docs/performance.md). This handler keeps
Django's request parsing, disconnect handling and response sending, and does only what the stream
needs, the async way: allowed host, session, user. The stream view itself is unchanged. Its response
goes through the same header-setting middleware as every page (security, framing, CSP): they
only add headers, so their `process_response` is safe to call here.
"""

from functools import partial
from importlib import import_module

from django.conf import settings
from django.contrib.auth import aget_user
from django.core.exceptions import DisallowedHost, ImproperlyConfigured
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponseBadRequest
from django.utils.module_loading import import_string

from ruche.realtime import views


class StreamHandler(ASGIHandler):
    async def __call__(self, scope, receive, send):
        await self.handle(scope, receive, send)  # no per-request thread: nothing here runs sync code

    async def run_get_response(self, request):
        try:
            request.get_host()
        except DisallowedHost:
            return HttpResponseBadRequest()
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        request.auser = partial(aget_user, request)
        response = await views.stream(request)
        for path in HEADER_MIDDLEWARE:
            response = _headers_only(path).process_response(request, response)
        return response


HEADER_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]


def _headers_only(path: str):
    """A middleware of settings.MIDDLEWARE that only sets response headers (made per stream: they
    read their settings when made, and a stream opens once in minutes)."""
    if path not in settings.MIDDLEWARE:
        raise ImproperlyConfigured(f"{path} is no longer in MIDDLEWARE: review the stream's headers")
    return import_string(path)(lambda request: None)


application = StreamHandler()
