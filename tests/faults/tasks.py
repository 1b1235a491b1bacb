"""Tasks the fault tests enqueue in their subprocesses."""

import time
from pathlib import Path

from django.tasks import task


@task()
def hold(path: str, seconds: float = 60) -> str:
    """Keep a worker busy while the file at `path` exists (at most `seconds`)."""
    deadline = time.monotonic() + seconds
    while Path(path).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return "released"
