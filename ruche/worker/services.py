"""Writes on the task table: claim, renew, finish, retry, reclaim, prune.

Each is one short transaction. A claim is safe with several workers on several machines: on
PostgreSQL the candidate row is locked with SKIP LOCKED, on SQLite the IMMEDIATE transaction holds
the database's one write lock, so two workers never take the same row.
"""

import random
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ruche.worker.models import Task

Status = Task.Status


def task_claim(*, worker_id: str, queues: list[str], pk: int | None = None) -> Task | None:
    """The next due row (or row `pk`, if still waiting), now running under `worker_id`'s lease."""
    now = timezone.now()
    with transaction.atomic():
        candidates = Task.objects.filter(status=Status.READY)
        if pk is not None:
            candidates = candidates.filter(pk=pk)
        else:
            candidates = candidates.filter(queue_name__in=queues, run_after__lte=now)
        row = (
            candidates.select_for_update(skip_locked=True)
            .order_by("status", "queue_name", "-priority", "run_after", "id")
            .first()
        )
        if row is None:
            return None
        row.status = Status.RUNNING
        row.attempts += 1
        row.worker_id = worker_id
        row.started_at = now
        row.lease_until = now + lease()
        row.save(update_fields=["status", "attempts", "worker_id", "started_at", "lease_until"])
    return row


def tasks_due(*, queues: list[str]) -> bool:
    """Whether a row is due now: a plain read, which takes no lock (a claim on SQLite does)."""
    return Task.objects.filter(
        status=Status.READY, queue_name__in=queues, run_after__lte=timezone.now()
    ).exists()


def task_renew(*, worker_id: str, pks: list[int]) -> int:
    """The heartbeat: the worker is alive, its rows' leases are extended."""
    return Task.objects.filter(pk__in=pks, worker_id=worker_id, status=Status.RUNNING).update(
        lease_until=timezone.now() + lease()
    )


def task_checkpoint(*, row: Task, value) -> None:
    """Progress of a long task, saved between its batches (and the lease renewed with it)."""
    Task.objects.filter(pk=row.pk, worker_id=row.worker_id, status=Status.RUNNING).update(
        checkpoint=value, lease_until=timezone.now() + lease()
    )
    row.checkpoint = value


def task_succeeded(*, row: Task, return_value) -> None:
    """Recorded only while the claim is still ours: a row whose lease ran out belongs to whoever
    claimed it next (the work was done twice, which every task tolerates)."""
    Task.objects.filter(pk=row.pk, worker_id=row.worker_id, status=Status.RUNNING).update(
        status=Status.SUCCEEDED,
        finished_at=timezone.now(),
        return_value=return_value,
        lease_until=None,
        error="",
        traceback="",
    )


def task_failed(*, row: Task, exc: BaseException) -> bool:
    """Retried later with backoff while attempts remain (returns True), else failed for good."""
    now = timezone.now()
    retry = row.attempts < row.max_attempts
    fields = {
        "error": describe(exc)[:2000],
        "traceback": "".join(format_exception(exc))[-20_000:],
        "lease_until": None,
    }
    if retry:
        fields.update(status=Status.READY, run_after=now + backoff(row.attempts))
    else:
        fields.update(status=Status.FAILED, finished_at=now)
    Task.objects.filter(pk=row.pk, worker_id=row.worker_id, status=Status.RUNNING).update(**fields)
    return retry


def tasks_reclaim() -> int:
    """Rows whose worker stopped renewing (killed, machine lost) go back to the queue, or to the
    failed list when they have used all their attempts (a task that kills its worker each time)."""
    now = timezone.now()
    expired = Task.objects.filter(status=Status.RUNNING, lease_until__lt=now)
    with transaction.atomic():
        exhausted = expired.filter(attempts__gte=F("max_attempts")).update(
            status=Status.FAILED, finished_at=now, lease_until=None, error=WORKER_LOST
        )
        requeued = expired.update(status=Status.READY, run_after=now, lease_until=None, error=WORKER_LOST)
    return exhausted + requeued


def task_retry(*, pk: int) -> bool:
    """An administrator sends a failed row back to the queue, with its attempts counted afresh."""
    return bool(_requeue(Task.objects.filter(pk=pk, status=Status.FAILED)))


def tasks_retry_failed() -> int:
    return _requeue(Task.objects.filter(status=Status.FAILED))


def _requeue(rows) -> int:
    return rows.update(status=Status.READY, run_after=timezone.now(), attempts=0, finished_at=None)


def tasks_prune() -> int:
    """Succeeded rows are kept a while (recent history, results), then deleted."""
    cutoff = timezone.now() - timedelta(hours=settings.TASKS_KEEP_SUCCEEDED_HOURS)
    deleted, _rows = Task.objects.filter(status=Status.SUCCEEDED, finished_at__lt=cutoff).delete()
    return deleted


# Helpers -----------------------------------------------------------------------------------------

WORKER_LOST = "WorkerLost: the worker running it stopped renewing its lease"


def lease() -> timedelta:
    return timedelta(seconds=settings.TASKS_LEASE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """Exponential, capped, with jitter so that tasks failing together do not retry together."""
    base = settings.TASKS_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(base, settings.TASKS_RETRY_MAX_SECONDS) * random.uniform(0.75, 1.25))


def describe(exc: BaseException) -> str:
    return f"{type(exc).__qualname__}: {exc}".strip().rstrip(":")
