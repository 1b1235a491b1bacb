"""`kill -9` of the task worker in the middle of a large fan-out: the supervisor restarts it, the row
is taken back once its lease runs out, and the fan-out resumes from its checkpoint. Every follower
gets the post exactly once."""

import os
import signal
import uuid

import pytest

from tests.faults.harness import Client, alive, fault_env
from tests.servers import run_python
from tests.waiting import wait_until

pytestmark = pytest.mark.faults

FOLLOWERS = 3_000
BATCH = 50
FAN_OUT = "ruche.feed.tasks.fan_out_post"

SETUP = """
from django.contrib.auth.hashers import make_password
from ruche.accounts.models import Follow
from ruche.worker.models import Task

COUNT = {count}
alice = person("alice@example.com", "Alice")
now, password = timezone.now(), make_password(None)
readers = User.objects.bulk_create(
    [User(email=f"reader{i}@example.com", handle=f"reader{i}", first_name="Reader", last_name=str(i),
          password=password, activated_at=now, last_seen_at=now, feed_built_at=now, language="en")
     for i in range(COUNT)],
    batch_size=500,
)
Follow.objects.bulk_create([Follow(follower=r, followed=alice) for r in readers], batch_size=500)
User.objects.filter(pk=alice.pk).update(follower_count=COUNT)
Task.objects.all().delete()  # a clean queue: the post's tasks are the only ones
print(json.dumps({"alice": alice.pk, "session": session(alice)}))
""".replace("{count}", str(FOLLOWERS))


def test_a_worker_killed_mid_fan_out_is_replaced_and_the_fan_out_resumes(fault_db, processes, tmp_path):
    # Each checkpoint (one per batch of 50) waits 0.1 s: the fan-out takes about 6 s, so the kill
    # lands in the middle of it.
    env = fault_env(fault_db, tmp_path, RUCHE_FANOUT_BATCH_SIZE=BATCH, FAULTS_CHECKPOINT_DELAY=0.1)
    people = run_python(env, SETUP)
    serve = processes.serve(env, task_workers=1)
    alice = people["alice"]

    status, headers, _body = Client(serve.port, people["session"]).post(
        "/posts/new/", {"body": "Big news for all of you", "client_token": str(uuid.uuid4())}
    )
    assert status == 302, _body[:2000]
    post = fault_db.scalar("SELECT id FROM posts_post WHERE author_id = %s", alice)

    def delivered() -> int:
        return fault_db.scalar(
            "SELECT count(*) FROM feed_feedentry WHERE post_id = %s AND user_id <> %s", post, alice
        )

    def fan_out_row() -> dict | None:
        rows = [r for r in fault_db.tasks(FAN_OUT) if r["args_kwargs"]["kwargs"]["post_id"] == post]
        return rows[0] if rows else None

    def diagnosis() -> str:
        return f"row: {fan_out_row()}, delivered: {delivered()}\n{serve.tail()}"

    # Mid-way: some batches written and checkpointed, many more to go.
    def half_done():
        row = fan_out_row()
        return (
            row
            if row and row["status"] == "running" and row["checkpoint"] and delivered() >= 6 * BATCH
            else None
        )

    row = wait_until(
        half_done, timeout=60, message="the fan-out to be under way", interval=0.05, details=diagnosis
    )
    victim = int(row["worker_id"].rsplit(":", 1)[1])
    assert victim in serve.worker_pids()
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: not alive(victim), timeout=10, message="the worker to die")

    at_kill = delivered()
    reached = fan_out_row()["checkpoint"]
    assert 0 < at_kill < FOLLOWERS, diagnosis()  # the kill really landed in the middle
    assert fan_out_row()["status"] == "running"  # still held by the dead worker's lease

    done = wait_until(
        lambda: (r := fan_out_row()) and r["status"] in {"succeeded", "failed"} and r,
        timeout=60,
        message="the fan-out to finish after the kill",
        details=diagnosis,
    )
    assert done["status"] == "succeeded", diagnosis()
    assert done["attempts"] == 2  # the killed attempt, then the one that resumed
    assert done["worker_id"] != row["worker_id"]

    # Every follower has the post, exactly once.
    assert delivered() == FOLLOWERS
    assert not fault_db.rows(
        "SELECT user_id FROM feed_feedentry WHERE post_id = %s GROUP BY user_id HAVING count(*) > 1", post
    )
    missing = fault_db.scalar(
        "SELECT count(*) FROM accounts_follow f WHERE f.followed_id = %s AND NOT EXISTS "
        "(SELECT 1 FROM feed_feedentry e WHERE e.user_id = f.follower_id AND e.post_id = %s)",
        alice,
        post,
    )
    assert missing == 0
    # The second attempt went on from the checkpoint instead of starting over.
    beyond = fault_db.scalar(
        "SELECT count(*) FROM accounts_follow WHERE followed_id = %s AND follower_id > %s", alice, reached
    )
    assert done["return_value"] == beyond < FOLLOWERS

    # The supervisor restarted the worker; the new one took the row back after the lease.
    log = serve.log_text()
    assert "exited with code -9" in log and "restarting task worker 1" in log, serve.tail()
    assert "took back 1 task(s)" in log, serve.tail()
