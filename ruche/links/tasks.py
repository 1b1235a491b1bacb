"""Link previews are fetched here, never in a request: the post is saved and shown at once."""

from django.tasks import task

from ruche.links import services
from ruche.worker.backend import coalesce


@coalesce  # several posts sharing a new address ask once
@task()
def preview_fetch(preview_id: int) -> str:
    return services.preview_fetch(preview_id)
