"""The task table and the worker: written with the change, claimed once, leased, retried, resumed."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from ruche.posts.services import post_create
from ruche.worker import services
from ruche.worker.models import Task
from ruche.worker.runner import Worker, execute, run_due
from tests.worker import jobs


def claim(worker="w1"):
    return services.task_claim(worker_id=worker, queues=["default"])


def test_a_posts_side_effects_are_written_with_it_and_vanish_with_a_rollback(queued, alice):
    with transaction.atomic():
        post = post_create(author=alice, body="Bonjour #qualité")
        paths = set(Task.objects.values_list("task_path", flat=True))
        assert {"ruche.feed.tasks.fan_out_post", "ruche.notifications.tasks.notify_new_post"} <= paths
        assert Task.objects.filter(args_kwargs__kwargs__post_id=post.pk).exists()
    with pytest.raises(RuntimeError), transaction.atomic():
        post_create(author=alice, body="Jamais publié")
        raise RuntimeError("the request failed after the write")
    assert not Task.objects.filter(args_kwargs__kwargs__post_id=post.pk + 1).exists()


def test_claims_follow_priority_then_due_time_and_skip_future_rows(queued):
    jobs.record.enqueue(n=1)
    jobs.record.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(n=2)
    jobs.urgent.enqueue(n=3)
    assert run_due() == 2
    assert jobs.runs == [("urgent", 3), ("record", 1)]
    assert Task.objects.get(status=Task.Status.READY).args_kwargs["kwargs"] == {"n": 2}


def test_a_row_is_claimed_once(queued):
    jobs.record.enqueue(n=1)
    first, second = claim("w1"), claim("w2")
    assert first is not None and second is None
    assert first.attempts == 1 and first.lease_until > timezone.now()


def test_a_dead_workers_row_is_taken_back_after_its_lease_and_its_late_result_ignored(queued):
    jobs.record.enqueue(n=1)
    row = claim("dead")
    assert services.tasks_reclaim() == 0  # the lease still holds
    Task.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert services.tasks_reclaim() == 1
    again = claim("alive")
    assert again.pk == row.pk and again.attempts == 2
    services.task_succeeded(row=row, return_value=None)  # the first worker was not dead after all
    assert Task.objects.get(pk=row.pk).worker_id == "alive"
    assert Task.objects.get(pk=row.pk).status == Task.Status.RUNNING
    assert execute(again) and Task.objects.get(pk=row.pk).status == Task.Status.SUCCEEDED


def test_the_heartbeat_keeps_a_long_task_from_being_taken_back(queued):
    jobs.record.enqueue(n=1)
    row = claim("w1")
    Task.objects.filter(pk=row.pk).update(lease_until=timezone.now() + timedelta(milliseconds=1))
    assert services.task_renew(worker_id="w1", pks=[row.pk]) == 1
    assert services.tasks_reclaim() == 0


def test_a_row_that_killed_its_worker_every_time_ends_failed(queued):
    jobs.record.enqueue(n=1)
    Task.objects.update(attempts=7, max_attempts=8)
    row = claim()
    Task.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    services.tasks_reclaim()
    failed = Task.objects.get(pk=row.pk)
    assert failed.status == Task.Status.FAILED and failed.error.startswith("WorkerLost")


def test_a_transient_error_is_retried_with_growing_pauses_then_succeeds(queued):
    jobs.flaky.enqueue(failures=2)
    before = timezone.now()
    assert run_due() == 1
    row = Task.objects.get()
    assert row.status == Task.Status.READY and row.attempts == 1
    assert row.error == "OperationalError: server closed the connection unexpectedly"
    first_pause = row.run_after - before
    assert timedelta(seconds=0.5) < first_pause < timedelta(seconds=2)
    Task.objects.update(run_after=timezone.now())
    run_due()
    row.refresh_from_db()
    assert row.status == Task.Status.READY and row.run_after - timezone.now() > first_pause * 0.7
    Task.objects.update(run_after=timezone.now())
    run_due()
    row.refresh_from_db()
    assert (row.status, row.attempts, row.return_value) == (Task.Status.SUCCEEDED, 3, "ok")


def test_a_task_that_keeps_failing_ends_in_the_failed_list_with_its_error(queued):
    jobs.broken.enqueue()
    Task.objects.update(max_attempts=2)
    for _ in range(2):
        Task.objects.update(run_after=timezone.now())
        run_due()
    row = Task.objects.get()
    assert row.status == Task.Status.FAILED and row.attempts == 2
    assert row.error == "ValueError: a bug" and "raise ValueError" in row.traceback
    assert services.task_retry(pk=row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Task.Status.READY, 0)


def test_a_long_task_resumes_from_its_last_checkpoint(queued):
    jobs.batches.enqueue(total=50, crash_after=2)
    run_due()
    row = Task.objects.get()
    assert row.status == Task.Status.READY and row.checkpoint == 20
    Task.objects.update(run_after=timezone.now())
    run_due()
    batches = [n for name, n in jobs.runs if name == "batch"]
    assert batches == [0, 10, 20, 30, 40]  # 0 and 10 were not done twice
    assert Task.objects.get().status == Task.Status.SUCCEEDED


def test_old_successes_are_pruned_failures_kept(queued, settings):
    jobs.record.enqueue(n=1)
    jobs.broken.enqueue()
    Task.objects.update(max_attempts=1)
    run_due()
    Task.objects.update(finished_at=timezone.now() - timedelta(hours=settings.TASKS_KEEP_SUCCEEDED_HOURS + 1))
    assert services.tasks_prune() == 1
    assert list(Task.objects.values_list("status", flat=True)) == [Task.Status.FAILED]


@pytest.mark.django_db(transaction=True)
def test_workers_in_parallel_run_every_task_exactly_once(queued):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:memorydb"):
        pytest.skip("threads on an in-memory SQLite database share one lock table, not a file")
    total = 120
    for n in range(total):
        jobs.record.enqueue(n=n)

    def work():
        try:
            Worker(interval=0.01, max_tasks=total).run_until_idle()
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(n for _name, n in jobs.runs) == list(range(total))
    assert Task.objects.filter(status=Task.Status.SUCCEEDED).count() == total
