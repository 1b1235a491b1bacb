from django.tasks import task

from ruche.privacy.services import export
from ruche.worker.backend import coalesce


@task()
def data_export_build(export_id: int) -> None:
    """Build a requested export (safe to run twice: services.export.export_build)."""
    export.export_build(export_id=export_id)


@coalesce
@task()
def data_exports_expire() -> int:
    return export.exports_expire()
