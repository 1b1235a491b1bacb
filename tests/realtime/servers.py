"""Real app servers for the realtime tests: granian running config.asgi:application (the entry
point `manage.py serve` runs) in subprocesses, on free ports, sharing one file SQLite database."""

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PASSWORD = "correct-horse-battery"


# Django code that `run_python` scripts start with: people as tests/conftest.py:make_user makes them.
PEOPLE = """
import json
from django.contrib.sessions.backends.cached_db import SessionStore
from django.utils import timezone
from ruche.accounts.models import Profile, User
from ruche.accounts.services import user_follow
from ruche.search.services import search_reindex

def person(email, first):
    now = timezone.now()
    user = User.objects.create_user(email, "correct-horse-battery", first_name=first, last_name="Martin",
                                    activated_at=now, last_seen_at=now, feed_built_at=now, language="en")
    Profile.objects.create(user=user)
    search_reindex(kind="person", ids=[user.pk])
    return user

def session(user):
    s = SessionStore()
    s["_auth_user_id"] = str(user.pk)
    s["_auth_user_backend"] = "ruche.accounts.backends.ModelBackend"
    s["_auth_user_hash"] = user.get_session_auth_hash()
    s.create()
    return s.session_key
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(directory: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUCHE_", "DJANGO_"))}
    env.update(
        RUCHE_DATABASE_URL=f"sqlite:///{directory / 'db.sqlite3'}",
        RUCHE_VAR_DIR=str(directory / "var"),
        RUCHE_LANGUAGE="en",
        # Side effects run in the request, after commit: the servers need no task worker here.
        RUCHE_TASKS_EAGER="true",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def manage(env: dict, *args: str, timeout: int = 180) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_python(env: dict, code: str) -> dict:
    """Run Django code against the servers' database; its last printed line is JSON."""
    out = manage(env, "shell", "--no-imports", "-c", PEOPLE + code)
    return json.loads(out.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("realtime-template")
    manage(base_env(directory), "migrate", "--no-input", "-v0")
    return directory / "db.sqlite3"


@pytest.fixture
def server_dir(tmp_path, migrated_database) -> Path:
    shutil.copy(migrated_database, tmp_path / "db.sqlite3")
    return tmp_path


class AppServer:
    def __init__(
        self, env: dict, *, target: str = "config.asgi:application", interface: str = "asgi", extra=()
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(Path(env["RUCHE_VAR_DIR"]).parent / f"granian-{self.port}.log", "w")  # noqa: SIM115
        cmd = [PYTHON, "-m", "granian", "--interface", interface, target, "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", "1", "--backpressure", "512", *extra]  # fmt: skip
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/health/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.2)
            if self.process.poll() is not None:
                break
        self.stop()
        raise RuntimeError(f"the app server on port {self.port} did not start: see {self.log.name}")

    def pids(self) -> list[int]:
        """The server and its worker processes."""
        found, todo = [], [self.process.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                todo += [int(child) for child in task.read_text().split()]
        return found

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


class StreamReader:
    """An SSE client in a thread: collects (id, event, data) as they arrive."""

    def __init__(self, server: AppServer, session_key: str, path: str = "/events/"):
        self.events: list[tuple[str, str, dict]] = []
        self.cond = threading.Condition()
        self.conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.conn.request("GET", path, headers={"Cookie": f"sessionid={session_key}"})
        self.response = self.conn.getresponse()
        assert self.response.status == 200, self.response.read()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        event_id = kind = ""
        data = ""
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\n")
                if line.startswith("id: "):
                    event_id = line[4:]
                elif line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif not line and kind:
                    with self.cond:
                        self.events.append((event_id, kind, json.loads(data)))
                        self.cond.notify_all()
                    event_id = kind = data = ""
        except (OSError, ValueError, AttributeError):  # closed by the test
            return

    def wait_for(self, kind: str, timeout: float = 15, **data) -> tuple[str, str, dict]:
        def found():
            return next(
                (e for e in self.events if e[1] == kind and all(e[2].get(k) == v for k, v in data.items())),
                None,
            )

        with self.cond:
            self.cond.wait_for(found, timeout)
            event = found()
        assert event is not None, f"no {kind} {data} in {self.events}"
        return event

    def close(self) -> None:
        self.conn.close()
