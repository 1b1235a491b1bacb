"""Real app servers for the realtime tests: granian running config.asgi:application (the entry
point `manage.py serve` runs) in subprocesses, on free ports, sharing one file SQLite database."""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import pytest

from tests.servers import PASSWORD, PEOPLE, PYTHON, ROOT, free_port, manage, run_python
from tests.waiting import wait_until

__all__ = ["PASSWORD", "PEOPLE", "ROOT", "run_python"]  # re-exported for the realtime and browser tests


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
        try:
            wait_until(self.answers, timeout=60, interval=0.2, message=f"the app server on port {self.port} to answer",
                       details=lambda: f"see {self.log.name}")  # fmt: skip
        except Exception:
            self.stop()
            raise

    def answers(self) -> bool:
        """Its health check answers 200 (an exited server fails at once)."""
        if self.process.poll() is not None:
            raise AssertionError(f"the app server on port {self.port} exited: see {self.log.name}")
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/health/")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

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
        # Shut the socket down first: the reading thread is blocked in a read, and closing the response
        # under it would wait for the server's next heartbeat (20 s) before returning.
        with contextlib.suppress(OSError):
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()
