"""The administrators' page of background work, and the dashboard's count."""

import pytest
from django.utils import timezone

from ruche.worker.models import Task


@pytest.fixture
def failed(db):
    now = timezone.now()
    return Task.objects.create(
        task_path="ruche.feed.tasks.fan_out_post",
        args_kwargs={"args": [], "kwargs": {"post_id": 7}},
        status=Task.Status.FAILED,
        attempts=8,
        run_after=now,
        enqueued_at=now,
        finished_at=now,
        error="OperationalError: database is locked",
        traceback="Traceback (most recent call last):\n  ...\nOperationalError: database is locked",
    )


@pytest.mark.parametrize("path", ["/manage/", "/manage/tasks/"])
def test_only_administrators_see_the_pages(client, alice, failed, path):
    client.force_login(alice)
    assert client.get(path).status_code == 403
    assert client.post("/manage/tasks/retry/", {"task": failed.pk}).status_code == 403
    assert Task.objects.get(pk=failed.pk).status == Task.Status.FAILED


def test_a_failed_task_is_shown_with_its_error_and_retried(client, admin, failed):
    client.force_login(admin)
    dashboard = client.get("/manage/").content.decode()
    assert "1 failed task" in dashboard
    page = client.get("/manage/tasks/").content.decode()
    assert "fan_out_post" in page and "OperationalError: database is locked" in page
    response = client.post("/manage/tasks/retry/", {"task": failed.pk}, follow=True)
    assert "1 task is back in the queue." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Task.Status.READY, 0)
    assert "No failed task." in client.get("/manage/tasks/").content.decode()


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999999"])
def test_retrying_nothing_says_so_and_changes_nothing(client, admin, failed, value):
    client.force_login(admin)
    response = client.post("/manage/tasks/retry/", {"task": value}, follow=True)
    assert "Nothing to retry" in response.content.decode()
    assert Task.objects.get(pk=failed.pk).status == Task.Status.FAILED


def test_retry_all(client, admin, failed):
    client.force_login(admin)
    client.post("/manage/tasks/retry/", {"all": "1"})
    assert not Task.objects.filter(status=Task.Status.FAILED).exists()
