"""Writes on the task table: claim, renew, finish, retry, reclaim, prune.

Each is one short transaction. A claim is safe with several workers on several machines: on
PostgreSQL the candidate row is locked with SKIP LOCKED, on SQLite the IMMEDIATE transaction holds
the database's one write lock, so two workers never take the same row.
"""

import functools
import random
from datetime import timedelta
from traceback import format_exception

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from ruche.worker.models import Task

Status = Task.Status


def task_claim(*, worker_id: str, queues: list[str], pk: int | None = None) -> Task | None:
    """The next due row (or row `pk`, if still waiting), now running under `worker_id`'s lease.

    One statement picks and takes the row (`UPDATE ... WHERE id = (SELECT ...) RETURNING`), written
    in SQL: building the same query with the ORM cost more than running it, on every task."""
    now = timezone.now()
    moment = connection.ops.adapt_datetimefield_value
    if pk is None:
        where = f"queue_name IN ({', '.join(['%s'] * len(queues))}) AND run_after <= %s"
        params = [*queues, moment(now)]
    else:
        where, params = "id = %s", [pk]
    sql = _claim_sql(connection.vendor, where)
    params = [
        Status.RUNNING.value,
        worker_id,
        moment(now),
        moment(now + lease()),
        Status.READY.value,
        *params,
    ]
    with transaction.atomic():
        rows = list(Task.objects.raw(sql, params))
    return rows[0] if rows else None


@functools.cache
def _claim_sql(vendor: str, where: str) -> str:
    ops = connection.ops
    table = ops.quote_name(Task._meta.db_table)
    columns = ", ".join(ops.quote_name(f.column) for f in Task._meta.concrete_fields)
    # PostgreSQL: a row another worker is taking is skipped, not waited for. SQLite: the immediate
    # transaction holds the file's one write lock, so nobody else is taking any.
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    pick = (  # names from the model, a placeholder for every value
        f"SELECT id FROM {table} WHERE status = %s AND {where} "  # noqa: S608
        f"ORDER BY status, queue_name, priority DESC, run_after, id LIMIT 1{lock}"
    )
    return (
        f"UPDATE {table} SET status = %s, attempts = attempts + 1, worker_id = %s, "  # noqa: S608
        f"started_at = %s, lease_until = %s, coalesce_key = NULL WHERE id = ({pick}) RETURNING {columns}"
    )


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
    claimed it next (the work was done twice, which every task tolerates). In SQL, as the claim."""
    value = Task._meta.get_field("return_value").get_db_prep_save(return_value, connection)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _succeeded_sql(connection.vendor),
            [Status.SUCCEEDED.value, now, value, row.pk, row.worker_id, Status.RUNNING.value],
        )


@functools.cache
def _succeeded_sql(vendor: str) -> str:
    table = connection.ops.quote_name(Task._meta.db_table)
    return (
        f"UPDATE {table} SET status = %s, finished_at = %s, return_value = %s, "  # noqa: S608
        "lease_until = NULL, error = '', traceback = '' WHERE id = %s AND worker_id = %s AND status = %s"
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
