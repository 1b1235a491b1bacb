"""Content negotiation for a person's and a community's page: asked with an Activity Streams media
type, they answer with the actor (Person, Group) in JSON-LD instead of HTML.

The pages live in accounts and communities, below this app, which must not know about it: this
middleware recognises their URL names once Django resolved the path (process_view) and answers for
them; both forms say `Vary: Accept`, so no cache hands one to a client that asked for the other."""

from django.utils.cache import patch_vary_headers

from ruche.activities import views

# The pages that have an Activity Streams form, by URL name: the view that draws it.
NEGOTIATED = {
    "accounts:profile": views.person_actor,
    "communities:detail": views.community_actor,
}


def wants_activity_streams(request) -> bool:
    """`application/activity+json`, or `application/ld+json` with the AS2 profile, asked for."""
    for part in request.headers.get("Accept", "").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        media = media.lower()
        if media == "application/activity+json":
            return True
        if media == "application/ld+json" and any(
            p.replace(" ", "") in ('profile="https://www.w3.org/ns/activitystreams"',
                                   "profile=https://www.w3.org/ns/activitystreams")
            for p in params
        ):  # fmt: skip
            return True
    return False


class ActivityStreamsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in NEGOTIATED:
            patch_vary_headers(response, ["Accept"])
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        draw = NEGOTIATED.get(request.resolver_match.view_name)
        if draw is None or request.method not in ("GET", "HEAD") or not wants_activity_streams(request):
            return None
        return draw(request, **view_kwargs)
