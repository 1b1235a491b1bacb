"""A session ended by another process is ended everywhere.

A web worker, the task worker (deactivation, erasure), another web worker or an operator in a shell
may end a session by deleting its row. Without a shared cache, a copy kept in this process's memory
(`cached_db` over the local-memory cache) would keep the person signed in here for up to two weeks;
with Redis (the PostgreSQL leg of scripts/test-all runs with it), the copy kept there would."""

from django.contrib.sessions.models import Session


def test_a_session_deleted_elsewhere_no_longer_signs_in(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    Session.objects.all().delete()  # as a log-out in another worker, or an erasure, does
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
