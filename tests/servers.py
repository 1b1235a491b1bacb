"""Helpers for tests that run the real thing in subprocesses (granian, `manage.py serve`, `manage.py
worker`): free ports, `manage.py` commands, and Django code run against the subprocesses' database."""

import json
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def manage(env: dict, *args: str, timeout: int = 180) -> str:
    done = subprocess.run(  # noqa: S603 (our own interpreter)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_python(env: dict, code: str) -> dict:
    """Run Django code against the subprocesses' database; its last printed line is JSON."""
    out = manage(env, "shell", "--no-imports", "-c", PEOPLE + code)
    return json.loads(out.strip().splitlines()[-1])
