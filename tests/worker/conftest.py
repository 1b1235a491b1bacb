import pytest

from tests.worker import jobs

QUEUED = {"default": {"BACKEND": "ruche.worker.backend.DatabaseBackend"}}  # rows wait for a worker


@pytest.fixture
def queued(settings, db):
    settings.TASKS = QUEUED
    settings.TASKS_RETRY_BASE_SECONDS = 1
    jobs.reset()
    yield
    jobs.reset()
