"""Tasks for the worker's tests: they record each run in memory, fail on demand, or save progress."""

import threading

from django.db import OperationalError
from django.tasks import task

from ruche.worker.backend import coalesce
from ruche.worker.runner import checkpoint, save_checkpoint

runs: list[tuple[str, object]] = []
lock = threading.Lock()


def reset() -> None:
    with lock:
        runs.clear()


@task()
def record(n: int) -> int:
    with lock:
        runs.append(("record", n))
    return n


@task(priority=10)
def urgent(n: int) -> int:
    with lock:
        runs.append(("urgent", n))
    return n


@task()
def flaky(failures: int) -> str:
    """Fails like a lost connection `failures` times, then succeeds."""
    with lock:
        runs.append(("flaky", failures))
        attempt = sum(1 for name, _ in runs if name == "flaky")
    if attempt <= failures:
        raise OperationalError("server closed the connection unexpectedly")
    return "ok"


@task()
def broken() -> None:
    raise ValueError("a bug")


@task()
def batches(total: int, crash_after: int = 0) -> int:
    """Counts in batches of 10, saving progress; crashes once after `crash_after` batches."""
    done = checkpoint() or 0
    while done < total:
        with lock:
            runs.append(("batch", done))
        done += 10
        save_checkpoint(done)
        if crash_after and done == crash_after * 10 and ("crashed", 0) not in runs:
            runs.append(("crashed", 0))
            raise OperationalError("database is locked")
    return done


@coalesce(round_up=60)
@task()
def sweep(kind: str = "all") -> str:
    """An idempotent sweep: identical calls waiting together are one."""
    with lock:
        runs.append(("sweep", kind))
    return kind
