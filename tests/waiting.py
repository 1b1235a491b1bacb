"""Waiting in tests, in one place: on the exact condition, with a deadline, and a failure that says
what did not happen. Never a fixed sleep: a sleep is too short on a busy machine and too long on an
idle one, and says nothing when it was not enough."""

import time


def wait_until(condition, *, timeout: float, message: str, interval: float = 0.05, details=None):
    """Poll `condition()` until it returns something truthy, and return that; after `timeout`
    seconds, fail with "timed out after <timeout> s waiting for <message>" (and `details()`)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() >= deadline:
            extra = f"\n{details()}" if details else ""
            raise AssertionError(f"timed out after {timeout} s waiting for {message}{extra}")
        time.sleep(interval)
