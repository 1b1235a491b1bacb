from django.tasks import task

from ruche.files import services
from ruche.worker.backend import coalesce


@task()
def stored_files_delete(names: list[str]) -> None:
    services.stored_files_delete(names)


@coalesce
@task()
def attachments_sweep() -> int:
    return services.attachments_sweep()
