import atexit
import time

from ruche.analytics import counters

# Not pages: the API, the realtime stream, files, Django's admin. htmx requests (a list's next page,
# a live refresh, a panel) are parts of a page already counted; Ruche does not use hx-boost.
SKIPPED = ("/api/", "/events/", "/media/", "/static/", "/admin/", "/health")
VISIT_GAP_SECONDS = 30 * 60
_at_exit: list = []


class ActivityMiddleware:
    """Counts, in memory, the pages signed-in people view and their visits (counters.py): a page is
    a successful GET answered with HTML; a visit, a page after 30 minutes without any request.

    "Without any request" is read from `last_seen_at`, which LastSeenMiddleware (placed after this
    one) keeps to within 5 minutes: no query of its own, and the same answer in every process of
    every server. Writes only when the tally is due (one upsert for the batch)."""

    def __init__(self, get_response):
        self.get_response = get_response
        if not _at_exit:  # once per process, however many handlers load the middleware
            _at_exit.append(atexit.register(counters.flush_at_exit))

    def __call__(self, request):
        if (
            request.method != "GET"
            or "HTTP_HX_REQUEST" in request.META
            or request.path_info.startswith(SKIPPED)
        ):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        last_seen = user.last_seen_at  # before LastSeenMiddleware moves it
        response = self.get_response(request)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            tally = counters.tally
            visit = last_seen is None or time.time() - last_seen.timestamp() >= VISIT_GAP_SECONDS
            tally.page(user.pk, tally.today(), visit=visit)
            if tally.due():
                counters.flush()
        return response
