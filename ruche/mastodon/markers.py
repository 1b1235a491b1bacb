"""Mastodon's markers: where the person stopped reading their home timeline and their
notifications, shared by their apps. Saving the notifications marker also marks Ruche's
notifications read up to it (services.marker_set)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse

from ruche.mastodon import pagination, serializers, services
from ruche.mastodon.endpoint import endpoint
from ruche.mastodon.models import Marker


def _json(marker: Marker) -> dict:
    return {
        "last_read_id": str(marker.last_read_id),
        "version": marker.version,
        "updated_at": serializers.iso(marker.updated),
    }


@endpoint(methods=("GET", "POST"), scopes=("read:statuses", "write:statuses"))
def markers(request):
    if not request.bearer.grants("read:statuses" if request.method == "GET" else "write:statuses"):
        raise PermissionDenied
    if request.method == "POST":
        return _save(request)
    wanted = request.params.get("timeline") or []
    wanted = [wanted] if isinstance(wanted, str) else wanted
    rows = Marker.objects.filter(
        user=request.user, timeline__in=[t for t in wanted if t in Marker.Timeline.values]
    )
    return JsonResponse({marker.timeline: _json(marker) for marker in rows})


def _save(request):
    """Both markers are checked before either is saved: nothing half-applied."""
    positions = {}
    for timeline in Marker.Timeline.values:
        given = request.params.get(timeline)
        if not isinstance(given, dict):
            continue
        positions[timeline] = pagination.as_id(given.get("last_read_id"))
        if positions[timeline] is None:
            raise ValidationError({"last_read_id": "must be an id"})
    saved = {
        timeline: _json(services.marker_set(user=request.user, timeline=timeline, last_read_id=position))
        for timeline, position in positions.items()
    }
    return JsonResponse(saved)
