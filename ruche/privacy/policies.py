"""Who may read what of a person's data: the person, and nobody else."""

from django.http import Http404
from django.utils import timezone

from ruche.core.media import Served
from ruche.privacy.models import DataExport


def readable_export(user, name: str) -> Served | None:
    """An export's file (register_media("exports")): its owner only, while it is ready; anyone
    else is answered 404, as for a file that does not exist."""
    ready = DataExport.objects.filter(
        user_id=user.pk, file=name, status=DataExport.Status.READY, expires_at__gt=timezone.now()
    )
    if not ready.exists():
        return None
    return Served(filename=export_filename(user), inline=False, content_type="application/zip")


def export_filename(user) -> str:
    return f"ruche-data-{user.handle}.zip"


def access_export(user, export_id: int) -> DataExport:
    """A person's own export; someone else's, or none, is a 404 alike."""
    export = DataExport.objects.filter(pk=export_id, user_id=user.pk).first()
    if export is None:
        raise Http404
    return export
