"""Django's task API (`some_task.enqueue(...)`) on Ruche's task table (ruche.worker.models.Task).

`enqueue` writes the row on the default database, inside the caller's transaction when there is
one: the side effect is decided with the write it follows and commits (or rolls back) with it.
No `on_commit` step can be lost between the two. Workers only ever see committed rows.

OPTIONS:
- `eager` (tests, the demo generator): each row is also run in this process right after commit,
  through the same code as the worker, instead of waiting for one.

A task marked with `coalesce` is not written twice while an identical call waits (see there).
"""

import hashlib
import json
import math
from datetime import UTC, datetime
from functools import partial

from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued
from django.utils import timezone
from django.utils.json import normalize_json
from django.utils.module_loading import import_string

from ruche.worker.models import Task as TaskRow

STATUSES = {
    TaskRow.Status.READY: TaskResultStatus.READY,
    TaskRow.Status.RUNNING: TaskResultStatus.RUNNING,
    TaskRow.Status.SUCCEEDED: TaskResultStatus.SUCCESSFUL,
    TaskRow.Status.FAILED: TaskResultStatus.FAILED,
}


class DatabaseBackend(BaseTaskBackend):
    supports_defer = True
    supports_priority = True
    supports_get_result = True
    supports_async_task = False

    def __init__(self, alias, params):
        super().__init__(alias, params)
        self.eager = bool(self.options.get("eager", False))

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        now = timezone.now()
        fields = {
            "task_path": task.module_path,
            "args_kwargs": normalize_json({"args": list(args), "kwargs": kwargs}),
            "queue_name": task.queue_name,
            "priority": task.priority,
            "run_after": task.run_after or now,
            "enqueued_at": now,
        }
        if task.module_path in COALESCED:
            row = _waiting_once(task, fields)
            if row.enqueued_at != now:  # not ours: an identical call was waiting, it does the work
                return task_result(row)
        else:
            row = TaskRow.objects.create(**fields)
        result = task_result(row)
        task_enqueued.send(type(self), task_result=result)
        if self.eager and row.run_after <= now:
            from ruche.worker.runner import run_now

            if in_transaction():
                transaction.on_commit(partial(run_now, row.pk))
            else:
                run_now(row.pk)  # committed already: a worker would take it now
                result.refresh()
        return result

    def get_result(self, result_id):
        try:
            return task_result(TaskRow.objects.get(pk=int(result_id)))
        except (TaskRow.DoesNotExist, ValueError, OverflowError) as exc:
            raise TaskResultDoesNotExist(result_id) from exc


# Coalesced tasks ----------------------------------------------------------------------------------

COALESCED: dict[str, int] = {}  # task path -> seconds to which a deferred call's time is rounded up


def coalesce(task=None, *, round_up: int = 0):
    """Mark a task whose identical calls may be merged: enqueueing it while a call with the same
    arguments, queue and priority, due at the same time, is still waiting adds nothing (that row
    does the work for both). For idempotent sweeps such as "send the e-mails that are due", which
    every new e-mail asks for. A deferred call's time is rounded up to `round_up` seconds, so that
    the calls for one minute (say) are identical; calls due now are identical to each other.
    (`emails_send_due`, in ruche/notifications/tasks.py, is decorated `@coalesce(round_up=60)` over
    its task decorator.)

    The waiting row is locked (PostgreSQL) or the database is (SQLite) until the caller commits:
    no worker can take it before the change that asked for it is visible."""

    def mark(task):
        COALESCED[task.module_path] = round_up
        return task

    return mark(task) if task is not None else mark


def _waiting_once(task, fields: dict) -> TaskRow:
    """The waiting row for this call: an identical one already there, else a new one."""
    deferred = task.run_after is not None
    if deferred and (step := COALESCED[task.module_path]):
        fields["run_after"] = datetime.fromtimestamp(
            math.ceil(fields["run_after"].timestamp() / step) * step, UTC
        )
    call = [fields["task_path"], fields["queue_name"], fields["priority"], fields["args_kwargs"]]
    call.append(fields["run_after"].isoformat() if deferred else None)
    key = hashlib.sha256(json.dumps(call, sort_keys=True).encode()).hexdigest()
    waiting = TaskRow.objects.select_for_update().filter(coalesce_key=key)
    with transaction.atomic():
        while (row := waiting.first()) is None:
            # Ours, unless a concurrent transaction has just committed the same call (then theirs).
            TaskRow.objects.bulk_create([TaskRow(**fields, coalesce_key=key)], ignore_conflicts=True)
    return row


def in_transaction() -> bool:
    """Inside an atomic block of the code's own. The blocks a test case wraps around each test do
    not count: there, what the code does outside a transaction must behave as committed. (Django
    marks them `_from_testcase`; if it stops, tasks enqueued outside services wait for a commit
    that never comes and the tests that expect them to run fail.)"""
    connection = transaction.get_connection()
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def task_object(row: TaskRow):
    task = import_string(row.task_path)
    return task.using(priority=row.priority, queue_name=row.queue_name)


def task_result(row: TaskRow, errors=()) -> TaskResult:
    result = TaskResult(
        task=task_object(row),
        id=str(row.pk),
        status=STATUSES[row.status],
        enqueued_at=row.enqueued_at,
        started_at=row.started_at,
        last_attempted_at=row.started_at,
        finished_at=row.finished_at,
        args=row.args_kwargs["args"],
        kwargs=row.args_kwargs["kwargs"],
        backend="default",
        errors=list(errors),
        worker_ids=[row.worker_id] * row.attempts if row.worker_id else [],
    )
    object.__setattr__(result, "_return_value", row.return_value)
    return result


# settings.TASKS for code that runs its tasks in-process (tests, the demo generator).
EAGER = {"default": {"BACKEND": "ruche.worker.backend.DatabaseBackend", "OPTIONS": {"eager": True}}}
