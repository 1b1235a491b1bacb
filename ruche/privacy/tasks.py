from django.tasks import task

from ruche.privacy.services import export
from ruche.privacy.services.retention import retention_enforce
from ruche.worker.backend import coalesce


@task()
def data_export_build(export_id: int) -> None:
    """Build a requested export (safe to run twice: services.export.export_build)."""
    export.export_build(export_id=export_id)


@coalesce
@task()
def data_exports_expire() -> int:
    return export.exports_expire()


@task()
def retention_enforce_task() -> dict[str, int]:
    """Retention, enqueued daily by the periodic job `privacy_retention`. Safe twice: a second run
    finds nothing older left to delete."""
    return retention_enforce()
