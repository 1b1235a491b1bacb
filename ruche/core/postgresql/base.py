"""Django's PostgreSQL backend, with a health check that costs no round trip when nothing is wrong.

A connection is kept between requests (`CONN_MAX_AGE`) and checked before each request's first
query (`CONN_HEALTH_CHECKS`): Django sends `SELECT 1` and waits for the answer, a round trip on
every request, about a tenth of a kept page's CPU (docs/performance.md, "eighth pass").
A server that ends a connection (a restart, `pg_terminate_backend`, an idle timeout) says so on its
socket, or closes it: either way the socket has something to read. So a connection that psycopg
knows as open and idle, whose socket has nothing to read, is usable without asking; any other is
checked as Django checks it. tests/core/test_postgresql.py ends a connection from the server's
side and fails the day this stops being noticed.
"""

import select

from django.db.backends.postgresql import base
from psycopg.pq import ConnStatus, TransactionStatus


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        return quiet(self.connection) or super().is_usable()


def quiet(connection) -> bool:
    """Whether `connection` (psycopg's) is open, idle, and has nothing waiting on its socket."""
    if connection is None or connection.closed:
        return False
    info = connection.info
    if info.status != ConnStatus.OK or info.transaction_status != TransactionStatus.IDLE:
        return False
    poll = select.poll()
    poll.register(connection.fileno(), select.POLLIN | select.POLLPRI)
    return not poll.poll(0)  # POLLERR and POLLHUP are reported whatever is asked
