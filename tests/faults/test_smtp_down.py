"""The SMTP server is down while notification e-mails are due, then comes back on the same port:
the outbox keeps them and retries, and once the server answers each is delivered exactly once, by
two task workers sending side by side."""

import re
import uuid
from collections import Counter

import pytest

from tests.faults.harness import Client, fault_env
from tests.fixtures.mail import Inbox
from tests.servers import free_port, run_python
from tests.waiting import wait_until

pytestmark = pytest.mark.faults

SWEEP = "ruche.notifications.tasks.emails_send_due"
SETUP = """
from ruche.worker.models import Task

alice = person("alice@example.com", "Alice")
others = [person(f"{name.lower()}@example.com", name) for name in ("Bruno", "Chloe", "David")]
Task.objects.all().delete()
print(json.dumps({
    "session": session(alice), "handles": [p.handle for p in others],
    "emails": {p.pk: p.email for p in others},
}))
"""


def test_e_mails_due_while_smtp_is_down_are_each_delivered_once_when_it_is_back(
    fault_db, processes, tmp_path
):
    inbox = Inbox(free_port())
    env = fault_env(
        fault_db,
        tmp_path,
        RUCHE_EMAIL_HOST="127.0.0.1",
        RUCHE_EMAIL_PORT=inbox.port,
        RUCHE_EMAIL_NOTIFY_DELAY_MINUTES=0,  # due at once
        RUCHE_EMAIL_RETRY_MINUTES=0,  # retried at every sweep while the server is down
        RUCHE_EMAIL_MAX_ATTEMPTS=1000,
        RUCHE_EMAIL_SWEEP_SECONDS=1,
        RUCHE_SITE_URL="https://ruche.example.com",
    )
    people = run_python(env, SETUP)
    recipients = set(people["emails"].values())
    inbox.start()
    try:
        serve = processes.serve(env, task_workers=2)
        inbox.stop()  # the SMTP server goes down

        client = Client(serve.port, people["session"])
        mentions = " ".join(f"@{handle}" for handle in people["handles"])
        for n in (1, 2):
            status, _headers, page = client.post(
                "/posts/new/", {"body": f"Meeting {n} moved, {mentions}", "client_token": str(uuid.uuid4())}
            )
            assert status == 302, page[:2000]
        posts = [r[0] for r in fault_db.rows("SELECT id FROM posts_post ORDER BY id")]
        assert len(posts) == 2

        def outbox() -> list[dict]:
            columns = ["id", "recipient_id", "thread", "state", "attempts", "last_error"]
            rows = fault_db.rows(
                "SELECT id, recipient_id, thread, state, attempts, last_error FROM notifications_email"
            )
            return [dict(zip(columns, row, strict=True)) for row in rows]

        def diagnosis() -> str:
            return f"outbox: {outbox()}\nreceived: {len(inbox.messages)}\n{serve.tail()}"

        # Due, tried while the server is down (more than once), kept waiting.
        def retried() -> bool:
            rows = outbox()
            return len(rows) == 6 and all(
                r["state"] == "pending" and r["attempts"] >= 2 and r["last_error"] for r in rows
            )

        wait_until(
            retried, timeout=60, message="the e-mails to be tried while SMTP is down", details=diagnosis
        )
        assert inbox.messages == []

        inbox.start()  # back, on the same port
        wait_until(
            lambda: all(r["state"] == "sent" for r in outbox()) and len(inbox.messages) >= 6,
            timeout=60,
            message="the e-mails to be sent",
            details=diagnosis,
        )
        # Two more sweeps after the last one that sent: nothing is sent again.
        sweeps = len(fault_db.tasks(SWEEP))
        wait_until(
            lambda: len([r for r in fault_db.tasks(SWEEP)[sweeps:] if r["status"] == "succeeded"]) >= 2,
            timeout=30,
            message="two more sweeps",
            details=diagnosis,
        )
    finally:
        inbox.stop()

    # Exactly once: six e-mails, one message each, two per person (one per post).
    messages = list(inbox.messages)
    assert len(messages) == 6, diagnosis()
    ids = Counter(m["Message-ID"] for m in messages)
    assert set(ids.values()) == {1}
    sent = {row["id"] for row in outbox()}
    assert {int(re.match(r"<ruche\.(\d+)\.", mid).group(1)) for mid in ids} == sent
    assert Counter(m["To"] for m in messages) == dict.fromkeys(recipients, 2)
    for address in recipients:
        linked = set()
        for message in inbox.to(address):
            text, _html = Inbox.parts(message)
            linked |= {int(pk) for pk in re.findall(r"/posts/(\d+)/", text)}
        assert linked == set(posts), (address, linked)
