"""Coalesced tasks (ruche.worker.backend.coalesce): an identical call enqueued while one waits adds
no row; once a worker has taken the row, the next call is a new one."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from ruche.worker import services
from ruche.worker.models import Task
from ruche.worker.runner import run_due
from tests.worker import jobs


def test_identical_calls_while_one_waits_are_one_row(queued):
    first, second = jobs.sweep.enqueue(), jobs.sweep.enqueue()
    assert first.id == second.id
    assert Task.objects.count() == 1
    jobs.sweep.enqueue(kind="digests")  # other arguments: other work
    assert Task.objects.count() == 2
    assert run_due() == 2
    assert sorted(jobs.runs) == [("sweep", "all"), ("sweep", "digests")]


def test_a_call_after_a_worker_took_the_row_is_a_new_row(queued):
    jobs.sweep.enqueue()
    taken = services.task_claim(worker_id="w1", queues=["default"])
    assert taken.coalesce_key is None  # freed when taken: the running sweep may miss what comes next
    again = jobs.sweep.enqueue()
    assert int(again.id) != taken.pk
    assert Task.objects.filter(status=Task.Status.READY).count() == 1


def test_deferred_calls_for_the_same_minute_are_one_row_at_its_end(queued):
    minute = datetime(2030, 5, 6, 7, 8, tzinfo=UTC)
    for second in (1, 30, 59):
        jobs.sweep.using(run_after=minute + timedelta(seconds=second)).enqueue()
    jobs.sweep.using(run_after=minute + timedelta(seconds=61)).enqueue()
    jobs.sweep.enqueue()  # due now: not the same call as a deferred one
    rows = Task.objects.order_by("run_after")
    assert [r.run_after for r in rows][1:] == [minute + timedelta(minutes=1), minute + timedelta(minutes=2)]
    assert rows[0].run_after <= timezone.now()


def test_other_tasks_are_never_coalesced(queued):
    jobs.record.enqueue(n=1)
    jobs.record.enqueue(n=1)
    assert Task.objects.count() == 2 and not Task.objects.exclude(coalesce_key=None).exists()


def test_a_coalesced_call_in_a_rolled_back_transaction_leaves_nothing(queued):
    with pytest.raises(RuntimeError), transaction.atomic():
        jobs.sweep.enqueue()
        raise RuntimeError
    assert not Task.objects.exists()
    jobs.sweep.enqueue()
    assert Task.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_waiting_row_is_not_taken_before_the_change_that_asked_for_it_commits(queued):
    """PostgreSQL: the caller locks the waiting row until it commits, so a worker cannot run the
    sweep before the new e-mail is visible, then leave nothing waiting for it. (SQLite: the
    caller's transaction holds the database's write lock, so no claim can happen meanwhile.)"""
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL")
    waiting = jobs.sweep.enqueue()
    asked, release, claims = threading.Event(), threading.Event(), []

    def web_request():
        try:
            with transaction.atomic():
                assert jobs.sweep.enqueue().id == waiting.id  # merged into the waiting row
                asked.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=web_request)
    thread.start()
    asked.wait(10)
    claims.append(services.task_claim(worker_id="w1", queues=["default"]))
    release.set()
    thread.join(10)
    claims.append(services.task_claim(worker_id="w1", queues=["default"]))
    assert claims[0] is None and claims[1].pk == int(waiting.id)


def test_the_e_mail_sweep_is_coalesced(queued):
    """Every queued e-mail asks for a sweep at its due time: one row per minute, not one per e-mail."""
    from ruche.notifications.tasks import emails_send_due

    due = timezone.now() + timedelta(minutes=10)
    for seconds in range(0, 120, 5):
        emails_send_due.using(run_after=due + timedelta(seconds=seconds)).enqueue()
    emails_send_due.enqueue()
    emails_send_due.enqueue()
    assert 3 <= Task.objects.count() <= 4  # now, and the two or three minutes the e-mails fall in
