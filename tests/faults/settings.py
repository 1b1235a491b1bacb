"""Settings of the fault tests' subprocesses: Ruche's own, plus one knob to slow a fan-out down.

FAULTS_CHECKPOINT_DELAY (seconds): each checkpoint a task saves waits this long first, outside any
transaction, so that a test can kill the worker while a large fan-out is half done."""

import os
import time

from django.db.backends.signals import connection_created

from config.settings import *  # noqa: F403

CHECKPOINT_DELAY = float(os.environ.get("FAULTS_CHECKPOINT_DELAY") or 0)
CHECKPOINT_SQL = 'UPDATE "worker_task" SET "checkpoint"'


def _slow_checkpoints(execute, sql, params, many, context):
    if sql.startswith(CHECKPOINT_SQL):
        time.sleep(CHECKPOINT_DELAY)
    return execute(sql, params, many, context)


def _on_connection(sender, connection, **kwargs):
    if _slow_checkpoints not in connection.execute_wrappers:
        connection.execute_wrappers.append(_slow_checkpoints)


if CHECKPOINT_DELAY:
    connection_created.connect(_on_connection, weak=False)

# Speed, not safety: the setup scripts create people with passwords.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
