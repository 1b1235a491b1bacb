"""The suite empties the search index after each transactional test (tests/conftest.py); on SQLite a
request still reading on the live server's thread shares the connection and must not fail that."""

import threading

import pytest
from django.db import OperationalError, connection

from ruche.search.backends import index
from tests.conftest import _once_unlocked

pytestmark = [pytest.mark.django_db, pytest.mark.skipif("connection.vendor != 'sqlite'")]


def _reading_statement():
    """A statement stepped once and left open, as a request mid-read leaves it."""
    cursor = connection.connection.cursor()
    cursor.execute("SELECT name FROM sqlite_master")  # rows enough to stay open after one
    cursor.fetchone()
    return cursor


def test_the_index_is_emptied_once_the_reading_statement_ends():
    reading = _reading_statement()
    with pytest.raises(OperationalError, match="locked"):
        index().clear("post")  # what failed a CI run: the DROP TABLE alone
    threading.Timer(0.3, reading.close).start()
    _once_unlocked(lambda: index().clear("post"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_post")
        assert cursor.fetchone() == (0,)


def test_a_lock_that_outlasts_the_delay_is_raised():
    reading = _reading_statement()
    try:
        with pytest.raises(OperationalError, match="locked"):
            _once_unlocked(lambda: index().clear("post"), seconds=0.2)
    finally:
        reading.close()
