"""The fault tests' machinery: a database of their own (SQLite file or PostgreSQL database), the
real `manage.py serve` (granian and task workers) or `manage.py worker` in subprocesses, an HTTP
client logged in by session. Waiting is on conditions with deadlines (tests/waiting.py)."""

import contextlib
import http.client
import itertools
import json
import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from tests.servers import PYTHON, ROOT, free_port, manage
from tests.waiting import wait_until

OUR_APPLICATION = "ruche-fault-tests"  # our own PostgreSQL connections: never terminated by a test
_numbers = itertools.count(1)


# Databases ---------------------------------------------------------------------------------------------


@dataclass
class PostgresServer:
    host: str
    port: str
    user: str
    password: str

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "PostgresServer":
        return cls(
            host=settings_dict.get("HOST") or "",
            port=str(settings_dict.get("PORT") or ""),
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
        )

    def connect(self, dbname: str = "postgres"):
        import psycopg

        return psycopg.connect(
            host=self.host or None,
            port=self.port or None,
            user=self.user or None,
            password=self.password or None,
            dbname=dbname,
            autocommit=True,
            application_name=OUR_APPLICATION,
            connect_timeout=10,
        )

    def url(self, dbname: str, **options) -> str:
        auth = quote(self.user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        netloc = f"{auth}@{self.host}" + (f":{self.port}" if self.port else "")
        return f"postgres://{netloc}/{dbname}" + (f"?{urlencode(options)}" if options else "")

    def terminate(self, admin, dbname: str) -> int:
        """Every connection to `dbname` but the tests' own is cut (`admin`: a connection of
        `connect()`); returns how many were."""
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid() AND application_name <> %s",
            [dbname, OUR_APPLICATION],
        ).fetchall()
        return sum(1 for (done,) in rows if done)

    def create(self, name: str, template: str | None = None) -> None:
        with self.connect() as admin:
            admin.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))

    def drop(self, name: str) -> None:
        with self.connect() as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                "AND pid <> pg_backend_pid()",
                [name],
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_leftovers(self) -> None:
        """Databases of fault tests whose process is gone (a run killed before its clean-up)."""
        with self.connect() as admin:
            names = [
                r[0] for r in admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'fault\\_%'")
            ]
        for name in names:
            parts = name.split("_")
            pid = parts[2] if parts[1] == "tpl" else parts[1]
            if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                self.drop(name)


TASK_COLUMNS = ["id", "task_path", "args_kwargs", "status", "attempts", "worker_id", "checkpoint",
                "return_value", "error", "enqueued_at", "finished_at"]  # fmt: skip
TASK_COLUMNS_SQL = ", ".join(TASK_COLUMNS)


class Database:
    """The subprocesses' database, and a connection of the test's own to look into it."""

    def __init__(self, kind: str, *, path: Path | None = None, server: PostgresServer | None = None,
                 name: str = ""):  # fmt: skip
        self.kind, self.path, self.server, self.name = kind, path, server, name
        self._conn = None

    @classmethod
    def sqlite_copy(cls, template: Path, directory: Path) -> "Database":
        path = directory / "db.sqlite3"
        shutil.copy(template, path)
        return cls("sqlite", path=path)

    @classmethod
    def postgres_copy(cls, server: PostgresServer, template: str) -> "Database":
        name = f"fault_{os.getpid()}_{next(_numbers)}"
        server.create(name, template=template)
        return cls("postgresql", server=server, name=name)

    def url(self, **options) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.path}" + (f"?{urlencode(options)}" if options else "")
        return self.server.url(self.name, **options)

    def connection(self):
        if self._conn is None:
            if self.kind == "sqlite":
                self._conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            else:
                self._conn = self.server.connect(self.name)
        return self._conn

    def rows(self, sql: str, *params) -> list[tuple]:
        if self.kind == "sqlite":
            sql = sql.replace("%s", "?")
        return list(self.connection().execute(sql, params).fetchall())

    def scalar(self, sql: str, *params):
        rows = self.rows(sql, *params)
        return rows[0][0] if rows else None

    def tasks(self, task_path: str | None = None) -> list[dict]:
        """Rows of the task table, as dicts (args_kwargs decoded)."""
        sql = f"SELECT {TASK_COLUMNS_SQL} FROM worker_task WHERE task_path = %s OR %s ORDER BY id"  # noqa: S608
        rows = self.rows(sql, task_path or "", not task_path)
        found = []
        for row in rows:
            item = dict(zip(TASK_COLUMNS, row, strict=True))
            for key in ("args_kwargs", "checkpoint", "return_value"):
                if self.kind == "sqlite" and isinstance(item[key], str):
                    item[key] = json.loads(item[key])
            found.append(item)
        return found

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None

    def drop(self) -> None:
        self.close()
        if self.kind == "postgresql":
            self.server.drop(self.name)


# The subprocesses --------------------------------------------------------------------------------------


def fault_env(database: Database, directory: Path, **extra) -> dict:
    """The environment of the servers and workers: short leases and retries, small fan-out batches."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUCHE_", "DJANGO_", "FAULTS_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.settings",
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        RUCHE_DATABASE_URL=database.url(),
        RUCHE_VAR_DIR=str(directory / "var"),
        RUCHE_SECRET_KEY="fault-tests-" + "k" * 60,
        RUCHE_LANGUAGE="en",
        RUCHE_LOG_LEVEL="INFO",
        RUCHE_TASKS_LEASE_SECONDS="2",
        RUCHE_TASKS_RETRY_BASE_SECONDS="1",
        RUCHE_TASKS_RETRY_MAX_SECONDS="2",
        RUCHE_FANOUT_BATCH_SIZE="50",
        RUCHE_FEED_LARGE_AUDIENCE="100000",
        RUCHE_DIGESTS_SCHEDULED="false",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def migrate(env: dict) -> None:
    manage(env, "migrate", "--no-input", "-v0", timeout=300)


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state, ppid, pgrp, ...), None if gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return raw.rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    fields = _stat(pid)
    return fields is not None and fields[0] not in {"Z", "X"}


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of a process group."""
    members = []
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields and fields[0] not in {"Z", "X"} and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                children = [int(child) for child in task.read_text().split()]
                found += children
                todo += children
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except (FileNotFoundError, ProcessLookupError):
        return ""


@dataclass
class Process:
    """A subprocess in a process group of its own (so that it and all its children can be killed)."""

    name: str
    command: list[str]
    env: dict
    log_path: Path
    process: subprocess.Popen | None = field(default=None, init=False)

    def start(self) -> "Process":
        self.log = open(self.log_path, "a")  # noqa: SIM115 (closed in kill)
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter)
            self.command, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 60) -> str:
        return f"--- {self.log_path.name} ---\n" + "\n".join(self.log_text().splitlines()[-lines:])

    def kill(self) -> None:
        """kill -9 of the whole group; returns once none of its processes is left running."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        wait_until(lambda: not group_members(self.pid), timeout=20, message=f"{self.name}'s processes to die")
        self.log.close()


class Serve(Process):
    """`manage.py serve`: granian and the task workers, supervised."""

    def __init__(self, env: dict, directory: Path, *, task_workers: int = 1, port: int | None = None):
        self.port = port or free_port()
        command = [
            PYTHON,
            "manage.py",
            "serve",
            "--port",
            str(self.port),
            "--task-workers",
            str(task_workers),
        ]
        super().__init__("serve", command, env, directory / f"serve-{self.port}.log")

    def start(self, timeout: float = 90) -> "Serve":
        super().start()

        def up():
            if self.process.poll() is not None:
                raise AssertionError(f"serve exited with {self.process.returncode}\n{self.tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                return Client(self.port).get("/health/", timeout=5)[0] == 200
            return False

        wait_until(up, timeout=timeout, message="the server to answer", interval=0.2, details=self.tail)
        return self

    def worker_pids(self) -> list[int]:
        return [
            pid for pid in descendants(self.pid) if "manage.py worker" in command_line(pid) and alive(pid)
        ]


class Worker(Process):
    def __init__(self, env: dict, directory: Path, *, name: str = "worker"):
        super().__init__(name, [PYTHON, "manage.py", "worker"], env, directory / f"{name}.log")


# HTTP --------------------------------------------------------------------------------------------------


class Client:
    """Requests as a signed-in person (a session made by the setup script), CSRF included."""

    def __init__(self, port: int, session_key: str | None = None):
        self.port = port
        self.csrf = secrets.token_hex(16)  # an unmasked secret, as the cookie holds it
        cookies = [f"csrftoken={self.csrf}"] + ([f"sessionid={session_key}"] if session_key else [])
        self.cookie = "; ".join(cookies)

    def request(self, method: str, path: str, *, body: str | None = None, headers=None, timeout: float = 30):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        finally:
            conn.close()

    def get(self, path: str, *, timeout: float = 30) -> tuple[int, str]:
        status, _headers, body = self.request("GET", path, timeout=timeout)
        return status, body

    def post(self, path: str, data: dict, *, timeout: float = 30) -> tuple[int, dict, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf}
        return self.request("POST", path, body=urlencode(data), headers=headers, timeout=timeout)
