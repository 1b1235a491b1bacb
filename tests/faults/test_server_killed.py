"""`kill -9` of the whole server (serve, granian and the task workers) right after a post was
acknowledged: nothing of what it implies is lost. Once `serve` is started again, the followers get
it in their feeds, the person mentioned is notified, and search finds it."""

import uuid

import pytest

from tests.faults.harness import Client, fault_env
from tests.servers import run_python
from tests.waiting import wait_until

pytestmark = pytest.mark.faults

READERS = 4
HOLD = "tests.faults.tasks.hold"

SETUP = """
from ruche.accounts.models import Follow
from ruche.worker.models import Task
from tests.faults.tasks import hold

alice, bruno = person("alice@example.com", "Alice"), person("bruno@example.com", "Bruno")
readers = [person(f"reader{i}@example.com", f"Reader{i}") for i in range({readers})]
Follow.objects.bulk_create([Follow(follower=r, followed=alice) for r in readers])
User.objects.filter(pk=alice.pk).update(follower_count=len(readers))
Task.objects.all().delete()
# The one task worker will be busy with this while the post is acknowledged and the server killed.
hold.enqueue(path={flag!r})
print(json.dumps({
    "alice": alice.pk, "alice_session": session(alice), "bruno": bruno.pk, "bruno_handle": bruno.handle,
    "bruno_session": session(bruno), "readers": [r.pk for r in readers],
}))
"""


def test_an_acknowledged_post_keeps_its_side_effects_through_a_kill_of_the_whole_server(
    fault_db, processes, tmp_path
):
    flag = tmp_path / "hold-the-worker"
    flag.touch()
    env = fault_env(fault_db, tmp_path)
    people = run_python(env, SETUP.replace("{readers}", str(READERS)).replace("{flag!r}", repr(str(flag))))
    serve = processes.serve(env, task_workers=1)

    def task_rows():
        return fault_db.tasks()

    wait_until(
        lambda: [r for r in task_rows() if r["task_path"] == HOLD and r["status"] == "running"],
        timeout=60,
        message="the worker to be busy",
        details=serve.tail,
    )
    word = "zephyrine"
    body = f"Hello @{people['bruno_handle']}, the {word} figures are in"
    status, _headers, page = Client(serve.port, people["alice_session"]).post(
        "/posts/new/", {"body": body, "client_token": str(uuid.uuid4())}
    )
    assert status == 302, page[:2000]
    serve.kill()  # kill -9 of the process group, the moment the post is acknowledged

    # The post and its tasks were committed together; none of them had run.
    post = fault_db.scalar("SELECT id FROM posts_post WHERE author_id = %s", people["alice"])
    assert post is not None

    def post_tasks() -> list[dict]:
        """The tasks of the post (not the e-mail sweeps `serve` enqueues, nor the one holding the worker)."""
        return [
            r
            for r in task_rows()
            if r["args_kwargs"]["kwargs"].get("post_id") == post
            or (
                r["task_path"].endswith(".reindex")
                and r["args_kwargs"]["kwargs"] == {"kind": "post", "ids": [post]}
            )
        ]

    def held() -> list[dict]:
        return [r for r in task_rows() if r["task_path"] == HOLD]

    pending = post_tasks()
    assert {r["task_path"].rsplit(".", 1)[1] for r in pending} == {
        "reindex",
        "fan_out_post",
        "notify_new_post",
    }
    assert {(r["status"], r["attempts"]) for r in pending} == {("ready", 0)}

    def in_feeds() -> set[int]:
        rows = fault_db.rows("SELECT user_id FROM feed_feedentry WHERE post_id = %s", post)
        return {user for (user,) in rows}

    def mentions() -> int:
        return fault_db.scalar(
            "SELECT count(*) FROM notifications_notification WHERE recipient_id = %s AND post_id = %s "
            "AND kind = 'mention'",
            people["bruno"],
            post,
        )

    assert in_feeds() == {people["alice"]} and mentions() == 0  # only the author's own entry, written inline

    flag.unlink()  # the held task may finish when it is run again
    serve = processes.serve(env, task_workers=1)

    def diagnosis() -> str:
        return f"tasks: {task_rows()}\n{serve.tail()}"

    wait_until(
        lambda: all(r["status"] == "succeeded" for r in post_tasks() + held()),
        timeout=60,
        message="every task to succeed after the restart",
        details=diagnosis,
    )
    # The followers (and Bruno, mentioned) have the post in their feed, once each.
    assert in_feeds() == {people["alice"], people["bruno"], *people["readers"]}
    assert fault_db.scalar("SELECT count(*) FROM feed_feedentry WHERE post_id = %s", post) == READERS + 2
    assert mentions() == 1
    assert [r["attempts"] for r in post_tasks()] == [1, 1, 1]
    assert [(r["attempts"], r["error"]) for r in held()] == [(2, "")]  # taken back from the dead worker

    # Search finds it, for Bruno as for the readers.
    status, page = Client(serve.port, people["bruno_session"]).get(f"/search/?q={word}")
    assert status == 200 and f"/posts/{post}/" in page, page[:3000]
