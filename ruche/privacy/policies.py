"""Who may read what of a person's data: the person, and nobody else."""

from django.http import Http404
from django.utils import timezone

from ruche.core.media import Served
from ruche.privacy.models import DataExport


def readable_export(user, name: str) -> Served | None:
    """An export's file (register_media("exports")): its owner only, while it is ready; anyone
    else is answered 404, as for a file that does not exist."""
    if not _ready(user).filter(file=name).exists():
        return None
    return served_export(user)


def served_export(user) -> Served:
    """How the ZIP is sent: a download named after its owner."""
    return Served(filename=f"ruche-data-{user.handle}.zip", inline=False, content_type="application/zip")


def access_ready_export(user) -> DataExport:
    """The person's own ready export (the API's download); none is a 404."""
    export = _ready(user).order_by("-id").first()
    if export is None:
        raise Http404
    return export


def _ready(user):
    return DataExport.objects.filter(
        user_id=user.pk, status=DataExport.Status.READY, expires_at__gt=timezone.now()
    )
