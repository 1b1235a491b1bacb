"""What keeps the queue short under load (docs/performance.md, "Keeping up"): a worker keeps its
connection between tasks, looks before it claims while idle, and does not pause needlessly."""

import threading

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from ruche.worker import runner, services
from ruche.worker.runner import Worker
from tests.worker import jobs


def wrapper():
    """This thread's connection itself, to patch: patched through the `connection` proxy, pytest's undo
    deletes what the proxy's own __dict__ did not hold (`close_at`, `errors_occurred`) from the
    connection, and a later test sharing it (the browser tests' live server) fails on every request."""
    return connections[DEFAULT_DB_ALIAS]


class Ticks(threading.Event):
    """A worker's stop event that lets its loop go round `n` times, calling `each` before each pause."""

    def __init__(self, n: int, each=None):
        super().__init__()
        self.n, self.each = n, each

    def wait(self, timeout=None):
        self.n -= 1
        if self.each:
            self.each(self.n)
        if self.n <= 0:
            self.set()
        return self.is_set()


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_kept_between_tasks_even_with_conn_max_age_zero(monkeypatch):
    closed = []
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)
    connection.ensure_connection()
    monkeypatch.setattr(wrapper(), "close", lambda: closed.append(True))
    runner.drop_broken_connection()
    assert closed == []
    # A broken one is dropped: the next query opens a new one.
    monkeypatch.setattr(wrapper(), "errors_occurred", True)
    monkeypatch.setattr(wrapper(), "is_usable", lambda: False)
    runner.drop_broken_connection()
    assert closed == [True]


@pytest.mark.django_db(transaction=True)
def test_a_connection_older_than_a_conn_max_age_that_is_set_is_renewed(monkeypatch):
    closed = []
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 300)
    connection.ensure_connection()
    monkeypatch.setattr(wrapper(), "close", lambda: closed.append(True))
    monkeypatch.setattr(wrapper(), "close_at", 0)  # long past
    runner.drop_broken_connection()
    assert closed == [True]


def test_an_idle_worker_reads_before_it_claims_and_claims_once_work_is_due(queued, monkeypatch):
    calls = []
    claim, due = services.task_claim, services.tasks_due
    monkeypatch.setattr(services, "task_claim", lambda **kw: calls.append("claim") or claim(**kw))
    monkeypatch.setattr(services, "tasks_due", lambda **kw: calls.append("look") or due(**kw))

    def each(left):
        if left == 2:
            jobs.record.enqueue(n=7)  # work arrives while the worker is idle

    worker = Worker(interval=0)
    worker.stopping = Ticks(4, each)
    worker.loop()
    # Claimed (nothing), looked twice (nothing, then the row), claimed it, ran it, claimed (nothing).
    assert calls == ["claim", "look", "look", "claim", "claim", "look"]
    assert jobs.runs == [("record", 7)]


def test_a_worker_with_work_claims_without_looking_first(queued, monkeypatch):
    for n in range(3):
        jobs.record.enqueue(n=n)
    monkeypatch.setattr(services, "tasks_due", lambda **kw: pytest.fail("looked while busy"))
    assert Worker().run_until_idle() == 3


def test_recording_an_outcome_does_not_yield_the_processor_first(queued, monkeypatch):
    jobs.record.enqueue(n=1)
    monkeypatch.setattr(runner.time, "sleep", lambda seconds: pytest.fail(f"slept {seconds}"))
    assert Worker().run_until_idle() == 1


def test_the_connection_keeps_what_the_tests_above_patched():
    for name in ("close_at", "errors_occurred"):  # what those tests patch: still the connection's own
        assert name in wrapper().__dict__
