"""Fixtures of the fault tests: the database kind follows the leg of the suite (SQLite in the first,
PostgreSQL in the second), each test gets a migrated database of its own and a way to start servers
and workers that are always killed (process groups) and dropped at the end."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests.faults.harness import Database, PostgresServer, Process, Serve, Worker, fault_env, migrate


def _postgres_server() -> PostgresServer:
    return PostgresServer.from_settings(settings.DATABASES["default"])


@pytest.fixture(scope="session")
def fault_template(tmp_path_factory):
    """A database migrated once (`manage.py migrate` in a subprocess) that each test copies."""
    directory = tmp_path_factory.mktemp("faults-template")
    if connection.vendor == "sqlite":
        template = Database("sqlite", path=directory / "db.sqlite3")
        migrate(fault_env(template, directory))
        yield template
        return
    if connection.vendor != "postgresql":
        pytest.fail(f"no fault tests for {connection.vendor}")
    server = _postgres_server()
    server.drop_leftovers()
    template = Database("postgresql", server=server, name=f"fault_tpl_{os.getpid()}")
    server.create(template.name)
    try:
        migrate(fault_env(template, directory))
        yield template
    finally:
        template.drop()


@pytest.fixture
def fault_db(fault_template, tmp_path):
    if fault_template.kind == "sqlite":
        database = Database.sqlite_copy(fault_template.path, tmp_path)
    else:
        database = Database.postgres_copy(fault_template.server, fault_template.name)
    yield database
    database.drop()


@pytest.fixture
def processes(tmp_path):
    """Start servers and workers; every one still running at the end is killed with its group."""
    started: list[Process] = []

    class Processes:
        def serve(self, env: dict, **kwargs) -> Serve:
            server = Serve(env, tmp_path, **kwargs)
            started.append(server)
            return server.start()

        def worker(self, env: dict, name: str = "worker") -> Worker:
            worker = Worker(env, tmp_path, name=name)
            started.append(worker)
            return worker.start()

    yield Processes()
    for process in reversed(started):
        process.kill()
