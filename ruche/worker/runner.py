"""Running tasks: one row (`execute`), and the worker loop that claims rows until told to stop.

The loop never dies of the database: a lost connection, a locked SQLite file or a restarted
PostgreSQL is logged, the connection is dropped, and the loop tries again after a pause. A thread
renews the lease of the row being run (the heartbeat), so a long task is never taken for a dead one;
a worker killed outright stops renewing, and its row is claimed again once the lease runs out.
"""

import logging
import os
import signal
import socket
import threading
import time
from contextvars import ContextVar
from traceback import format_exception

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.tasks import TaskContext
from django.tasks.base import TaskError
from django.tasks.signals import task_finished, task_started
from django.utils.json import normalize_json

from ruche.worker import services
from ruche.worker.backend import DatabaseBackend, task_object, task_result
from ruche.worker.models import Task

log = logging.getLogger("ruche.worker")
_current: ContextVar[Task | None] = ContextVar("ruche_task", default=None)


# What a running task may ask -----------------------------------------------------------------------


def checkpoint():
    """The progress the running task saved before (None on its first attempt, or outside the worker)."""
    row = _current.get()
    return row.checkpoint if row is not None else None


def save_checkpoint(value) -> None:
    """Save progress between batches: a retry after a crash resumes from here."""
    row = _current.get()
    if row is not None:
        services.task_checkpoint(row=row, value=normalize_json(value))


# Running one row ---------------------------------------------------------------------------------------


def execute(row: Task) -> bool:
    """Run a claimed row and record the outcome. True when it succeeded."""
    task = task_object(row)
    args, kwargs = row.args_kwargs["args"], row.args_kwargs["kwargs"]
    task_started.send(DatabaseBackend, task_result=task_result(row))
    token = _current.set(row)
    try:
        if task.takes_context:
            value = task.call(TaskContext(task_result=task_result(row)), *args, **kwargs)
        else:
            value = task.call(*args, **kwargs)
        value = normalize_json(value)
    except Exception as exc:
        log.warning("task %s #%s failed (attempt %s): %s", row.task_name, row.pk, row.attempts, exc)
        drop_broken_connection()  # a task that broke the connection must not break the next one
        _record(services.task_failed, row=row, exc=exc)
        error = TaskError(exception_class_path=_path(exc), traceback="".join(format_exception(exc)))
        task_finished.send(DatabaseBackend, task_result=task_result(row, errors=[error]))
        return False
    finally:
        _current.reset(token)
    _record(services.task_succeeded, row=row, return_value=value)
    row.status, row.return_value = Task.Status.SUCCEEDED, value
    task_finished.send(DatabaseBackend, task_result=task_result(row))
    return True


def run_now(pk: int) -> bool:
    """The eager backend's path (tests, demo): claim this row in this process and run it."""
    row = services.task_claim(worker_id=f"eager-{os.getpid()}", queues=[], pk=pk)
    return row is not None and execute(row)


def run_due(*, limit: int = 10_000) -> int:
    """Run every row due now in this process (tests, and `manage.py worker --drain`)."""
    done = 0
    while done < limit and (row := services.task_claim(worker_id=f"drain-{os.getpid()}", queues=_queues())):
        execute(row)
        done += 1
    return done


def _record(write, **kwargs) -> None:
    """The outcome must reach the database: retried through a lost connection for a while. If it
    never does, the lease runs out and the row is run again (tasks are idempotent)."""
    for pause in (0, 0.5, 1, 2, 5, 10):
        if pause:
            time.sleep(pause)
        try:
            write(**kwargs)
            return
        except DatabaseError as exc:
            if connection.in_atomic_block:
                raise  # eager, inside the caller's transaction: nothing to reconnect
            log.warning("could not record a task's outcome (%s); retrying", exc)
            connection.close()
    log.error("gave up recording the outcome of task #%s; its lease will expire", kwargs["row"].pk)


def drop_broken_connection() -> None:
    """Close this thread's connection if it is broken, or older than a CONN_MAX_AGE that is set;
    the next query opens a new one. Never inside a transaction (the eager backend runs tasks within
    the caller's). A healthy connection is kept between tasks even with CONN_MAX_AGE=0 (one per web
    request, SQLite's default): on SQLite, closing the last connection checkpoints the WAL to disk
    and reopening starts with a cold cache, which cost three quarters of an empty task's time
    (docs/performance.md, "Keeping up")."""
    if connection.in_atomic_block:
        return
    if connection.settings_dict["CONN_MAX_AGE"]:
        close_old_connections()
    elif connection.connection is not None and connection.errors_occurred and not connection.is_usable():
        connection.close()


def _path(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}"


def _queues() -> list[str]:
    from django.tasks import task_backends

    return sorted(task_backends["default"].queues)


# The worker loop -----------------------------------------------------------------------------------------


class Worker:
    def __init__(self, *, queues: list[str] | None = None, interval: float = 0.25, max_tasks: int = 0):
        self.queues = queues or _queues()
        self.interval = interval
        self.max_tasks = max_tasks
        self.id = f"{socket.gethostname()}:{os.getpid()}"
        self.running: int | None = None  # the row being run, renewed by the heartbeat
        self.stopping = threading.Event()
        self.next_reclaim = self.next_prune = 0.0

    def run(self) -> int:
        """The process's life: until SIGTERM/SIGINT (or `max_tasks`)."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        threading.Thread(target=self.heartbeat, name="heartbeat", daemon=True).start()
        log.info("worker %s started on queues %s", self.id, ",".join(self.queues))
        return self.loop()

    def run_until_idle(self) -> int:
        """Until nothing is due (tests, benchmarks): several may run as threads of one process."""
        self.id = f"{self.id}:{threading.get_ident()}"
        return self.loop(until_idle=True)

    def loop(self, *, until_idle: bool = False) -> int:
        done, failures, idle = 0, 0, False
        while not self.stopping.is_set() and not (self.max_tasks and done >= self.max_tasks):
            try:
                drop_broken_connection()
                self.housekeeping()
                # Idle, look before claiming: on SQLite a claim takes the database's one write lock,
                # which an idle worker polling four times a second would take from the web.
                if idle and not services.tasks_due(queues=self.queues):
                    row = None
                else:
                    row = services.task_claim(worker_id=self.id, queues=self.queues)
                idle = row is None
                failures = 0
            except DatabaseError as exc:
                failures += 1
                pause = min(0.5 * 2**failures, 15)
                log.warning("database unavailable (%s); trying again in %.1f s", exc, pause)
                connection.close()
                self.stopping.wait(pause)
                continue
            if row is None:
                if until_idle:
                    break
                self.stopping.wait(self.interval)
                continue
            self.running = row.pk
            try:
                execute(row)
            finally:
                self.running = None
            done += 1
        log.info("worker %s stopped after %s tasks", self.id, done)
        return done

    def stop(self, *_args) -> None:
        """SIGTERM/SIGINT: finish the task in hand, then leave."""
        self.stopping.set()

    def heartbeat(self) -> None:
        period = max(settings.TASKS_LEASE_SECONDS / 3, 0.2)
        while not self.stopping.wait(period):
            pk = self.running
            if pk is None:
                continue
            try:
                services.task_renew(worker_id=self.id, pks=[pk])
            except DatabaseError as exc:
                log.warning("heartbeat failed (%s)", exc)
            finally:
                connection.close()  # this thread's own connection; reopened next beat

    def housekeeping(self) -> None:
        """Every few seconds: take back rows of dead workers; now and then, prune old history."""
        now = time.monotonic()
        if now >= self.next_reclaim:
            self.next_reclaim = now + max(settings.TASKS_LEASE_SECONDS / 2, 1)
            if reclaimed := services.tasks_reclaim():
                log.warning("took back %s task(s) from workers that stopped", reclaimed)
        if now >= self.next_prune:
            self.next_prune = now + 600
            services.tasks_prune()
