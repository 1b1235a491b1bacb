"""Named locks held until the end of the current transaction."""

from django.db import connection

# The first half of PostgreSQL's two-integer advisory lock keys: Ruche's own ("RUCH").
SPACE = 0x52554348


def xact_lock(name: str) -> None:
    """Wait for, then hold until commit or rollback, the lock called `name`: two transactions doing
    the same thing at once (a task and its duplicate) take turns, the second seeing what the first
    wrote. On PostgreSQL, an advisory lock; SQLite already runs one writing transaction at a time
    (transaction_mode IMMEDIATE), so there is nothing to take."""
    if not connection.in_atomic_block:
        raise RuntimeError("xact_lock() outside a transaction would hold nothing")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, hashtext(%s::text))", [SPACE, name])
