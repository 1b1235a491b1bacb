"""The PostgreSQL backend's health check (ruche/core/postgresql/base.py): no round trip for a
connection that is well, and a connection the server ended is still noticed before it is used."""

import time

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_backend

from ruche.accounts.models import User
from ruche.core.postgresql.base import quiet

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's backend"),
    pytest.mark.django_db(transaction=True),  # a connection between requests is idle, in no transaction
]


@pytest.fixture(autouse=True)
def kept_connection(monkeypatch):
    """A connection kept between requests, opened for the test: the test suite may run with
    `CONN_MAX_AGE=0` (scripts/test-all), and one kept from earlier tests may be older than it."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 300)
    connection.close()
    yield
    connection.close()


@pytest.fixture
def asked(monkeypatch) -> list:
    """Each time Django's own check (`SELECT 1`, a round trip) runs."""
    calls = []
    original = django_backend.DatabaseWrapper.is_usable

    def spy(self):
        calls.append(self.alias)
        return original(self)

    monkeypatch.setattr(django_backend.DatabaseWrapper, "is_usable", spy)
    return calls


def next_request_starts() -> None:
    """What Django does between two requests, for a kept connection."""
    connection.close_if_unusable_or_obsolete()
    assert connection.connection is not None and not connection.health_check_done


def test_a_connection_that_is_well_is_used_without_asking_the_server(asked):
    User.objects.exists()
    next_request_starts()
    User.objects.exists()
    assert connection.health_check_done and asked == []


def test_a_connection_ended_by_the_server_is_noticed_and_replaced(asked):
    User.objects.exists()
    ended = connection.connection.info.backend_pid
    with connections["default"]._nodb_cursor() as cursor:  # another connection, as an operator's psql
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    deadline = time.monotonic() + 5
    while quiet(connection.connection) and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's goodbye reaches the socket
    next_request_starts()
    assert User.objects.count() == 0  # a new connection, not an error
    assert connection.connection.info.backend_pid != ended
    assert asked == ["default"]


def test_a_connection_in_a_transaction_is_checked_as_django_checks_it(asked):
    connection.ensure_connection()
    with connection.connection.transaction():
        assert connection.is_usable()
    assert asked == ["default"]
