"""The worker's side of retention (enqueued daily by the periodic job `privacy_retention`)."""

from django.tasks import task

from ruche.privacy.services.retention import retention_enforce


@task()
def retention_enforce_task() -> dict[str, int]:
    """Safe twice: a second run finds nothing older left to delete."""
    return retention_enforce()
