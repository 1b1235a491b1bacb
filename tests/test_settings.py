"""Settings come from the environment; production refuses to start when they are unsafe."""

import os
import re
import secrets
import subprocess  # noqa: S404
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config import env

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_urlsafe(48)[:64]


def run(args: list[str], tmp_path, **variables) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("RUCHE_", "DJANGO_"))}
    environ |= {
        "RUCHE_VAR_DIR": str(tmp_path),
        "RUCHE_DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    environ |= {k: v for k, v in variables.items() if v is not None}
    for name in [k for k, v in variables.items() if v is None]:
        environ.pop(name, None)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=120
    )


SETUP = ["-c", "import django; django.setup()"]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("too-short-" * 3, id="short"),
        pytest.param("a" * 64, id="one-character"),
        pytest.param("django-insecure-" + GOOD_KEY, id="django-insecure"),
    ],
)
def test_production_refuses_an_insecure_secret(tmp_path, key):
    result = run(
        SETUP, tmp_path, RUCHE_ENV="production", RUCHE_ALLOWED_HOSTS="ruche.example.com", RUCHE_SECRET_KEY=key
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "RUCHE_SECRET_KEY" in result.stderr
    assert not (tmp_path / "secret_key").exists()  # no key invented behind the operator's back


def test_manage_py_check_refuses_too(tmp_path):
    result = run(
        ["manage.py", "check"], tmp_path, RUCHE_ENV="production", RUCHE_ALLOWED_HOSTS="ruche.example.com"
    )
    assert result.returncode != 0 and "RUCHE_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "variables,message",
    [
        ({"RUCHE_ALLOWED_HOSTS": None}, "RUCHE_ALLOWED_HOSTS"),
        ({"RUCHE_ALLOWED_HOSTS": "ruche.example.com", "RUCHE_DEBUG": "true"}, "RUCHE_DEBUG"),
        ({"RUCHE_ALLOWED_HOSTS": "ruche.example.com", "RUCHE_DEBUG": "maybe"}, "RUCHE_DEBUG"),
    ],
)
def test_production_refuses_other_unsafe_settings(tmp_path, variables, message):
    result = run(SETUP, tmp_path, RUCHE_ENV="production", RUCHE_SECRET_KEY=GOOD_KEY, **variables)
    assert result.returncode != 0 and message in result.stderr


def test_unknown_environment_is_refused(tmp_path):
    result = run(SETUP, tmp_path, RUCHE_ENV="prod")
    assert result.returncode != 0 and "RUCHE_ENV" in result.stderr


PRODUCTION = {
    "RUCHE_ENV": "production",
    "RUCHE_SECRET_KEY": GOOD_KEY,
    "RUCHE_ALLOWED_HOSTS": "ruche.example.com",
    "RUCHE_EMAIL_HOST": "smtp.example.com",
}


def test_check_deploy_passes_in_production(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_an_smtp_server(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        **{**PRODUCTION, "RUCHE_EMAIL_HOST": None},
    )
    assert result.returncode != 0 and "RUCHE_EMAIL_HOST" in result.stderr


def test_laptop_starts_without_a_secret_and_keeps_the_one_it_made(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    first = run(["-c", code], tmp_path)
    second = run(["-c", code], tmp_path)
    assert first.returncode == 0, first.stderr
    key, debug = first.stdout.split()
    assert len(key) >= 50 and debug == "False"
    assert second.stdout == first.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


# config/env.py


def test_sqlite_url(tmp_path):
    db = env.database_from_url(f"sqlite:///{tmp_path}/ruche.sqlite3", Path("/srv/ruche"))
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == f"{tmp_path}/ruche.sqlite3"
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_sqlite_lock_timeout_from_the_url(tmp_path):
    assert env.database_from_url(f"sqlite:///{tmp_path}/r.sqlite3", Path("/"))["OPTIONS"]["timeout"] == 20
    db = env.database_from_url(f"sqlite:///{tmp_path}/r.sqlite3?timeout=2.5", Path("/"))
    assert db["OPTIONS"]["timeout"] == 2.5 and db["NAME"] == f"{tmp_path}/r.sqlite3"


def test_sqlite_connections_are_kept_unless_the_url_says_otherwise(tmp_path):
    assert env.database_from_url(f"sqlite:///{tmp_path}/r.sqlite3", Path("/"))["CONN_MAX_AGE"] == 300
    assert (
        env.database_from_url(f"sqlite:///{tmp_path}/r.sqlite3?conn_max_age=0", Path("/"))["CONN_MAX_AGE"]
        == 0
    )


def test_relative_sqlite_path_is_under_the_base_dir():
    assert (
        env.database_from_url("sqlite:///var/x.sqlite3", Path("/srv/ruche"))["NAME"]
        == "/srv/ruche/var/x.sqlite3"
    )


@pytest.mark.parametrize("url", ["sqlite://:memory:", "sqlite://"])
def test_sqlite_memory(url):
    db = env.database_from_url(url, Path("/srv"))
    assert db["NAME"] == ":memory:" and db["TEST"] == {"NAME": ":memory:"}


def test_postgres_url():
    db = env.database_from_url(
        "postgres://ruche:p%40ss%2Fword@db.example.com:6432/ruche_prod?sslmode=require&conn_max_age=60",
        Path("/"),
    )
    assert db == {
        "ENGINE": "ruche.core.postgresql",
        "NAME": "ruche_prod",
        "USER": "ruche",
        "PASSWORD": "p@ss/word",
        "HOST": "db.example.com",
        "PORT": "6432",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "sslmode": "require",
            "options": "-c jit=off -c max_parallel_workers_per_gather=0",
            "server_side_binding": True,
            "prepare_threshold": 5,
        },
    }
    # The URL may set its own server options (JIT on again, for instance), and turn preparing off.
    db = env.database_from_url(
        "postgres://u@h/db?options=-c%20work_mem%3D8MB&prepare_threshold=&server_side_binding=False",
        Path("/"),
    )
    assert db["OPTIONS"] == {
        "options": "-c work_mem=8MB",
        "server_side_binding": False,
        "prepare_threshold": None,
    }


def test_postgres_url_defaults():
    db = env.database_from_url("postgresql://postgres@127.0.0.1/test", Path("/"))
    assert (db["USER"], db["PASSWORD"], db["PORT"], db["CONN_MAX_AGE"]) == ("postgres", "", "", 300)
    assert db["OPTIONS"]["server_side_binding"] is True and db["OPTIONS"]["prepare_threshold"] == 5


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured, match="mysql"):
        env.database_from_url("mysql://root@localhost/ruche", Path("/"))


@pytest.mark.parametrize(
    "raw,expected",
    [("1", True), ("true", True), (" Yes ", True), ("ON", True), ("0", False), ("false", False), ("no", False),
     ("off", False), ("", False)],
)  # fmt: skip
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("RUCHE_TEST_FLAG", raw)
    assert env.env_bool("RUCHE_TEST_FLAG") is expected


@pytest.mark.parametrize("raw", ["maybe", "2", "oui", "tru"])
def test_env_bool_rejects_nonsense(monkeypatch, raw):
    monkeypatch.setenv("RUCHE_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="RUCHE_TEST_FLAG"):
        env.env_bool("RUCHE_TEST_FLAG", True)


def test_env_bool_default(monkeypatch):
    monkeypatch.delenv("RUCHE_TEST_FLAG", raising=False)
    assert env.env_bool("RUCHE_TEST_FLAG", True) is True


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("RUCHE_TEST_N", "42")
    monkeypatch.setenv("RUCHE_TEST_LIST", " a.example , ,b.example")
    assert env.env_int("RUCHE_TEST_N", 1) == 42
    assert env.env_list("RUCHE_TEST_LIST", []) == ["a.example", "b.example"]
    monkeypatch.setenv("RUCHE_TEST_N", "forty-two")
    with pytest.raises(ImproperlyConfigured, match="RUCHE_TEST_N"):
        env.env_int("RUCHE_TEST_N", 1)


@pytest.mark.parametrize("value", ["wiki.intranet:http", "wiki:0", "wiki:70000", ":8080", "[::1"])
def test_outbound_allowed_hosts_refuse_what_is_not_host_or_host_port(monkeypatch, value):
    monkeypatch.setenv("RUCHE_FETCH_ALLOWED_HOSTS", f"ok.intranet,{value}")
    with pytest.raises(ImproperlyConfigured, match="RUCHE_FETCH_ALLOWED_HOSTS"):
        env.env_hosts("RUCHE_FETCH_ALLOWED_HOSTS")


def test_outbound_allowed_hosts_take_names_addresses_and_ports(monkeypatch):
    monkeypatch.setenv("RUCHE_FETCH_ALLOWED_HOSTS", "wiki.intranet, 10.0.0.5:8080,[fd00::1]:443")
    assert env.env_hosts("RUCHE_FETCH_ALLOWED_HOSTS") == ["wiki.intranet", "10.0.0.5:8080", "[fd00::1]:443"]


# --- uploaded files: where they live, who sends them (docs/operations.md, "Files") -------------

S3_VARIABLES = ["RUCHE_STORAGE", "RUCHE_S3_BUCKET", "RUCHE_S3_ENDPOINT_URL", "RUCHE_S3_REGION"]
S3_VARIABLES += ["RUCHE_S3_ACCESS_KEY_ID", "RUCHE_S3_SECRET_ACCESS_KEY", "RUCHE_S3_ADDRESSING_STYLE"]


@pytest.fixture
def files_env(monkeypatch):
    for name in [*S3_VARIABLES, "RUCHE_MEDIA_ACCEL", "RUCHE_MEDIA_ACCEL_PREFIX"]:
        monkeypatch.delenv(name, raising=False)

    def set_env(**variables):
        for name, value in variables.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_files_are_on_local_disk_streamed_by_django_by_default(files_env):
    storage = env.file_storage_from_env()
    assert storage == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert env.media_accel_from_env(storage) == ("", "/protected-media/")


def test_an_s3_bucket_is_private_and_never_overwritten(files_env):
    files_env(
        RUCHE_STORAGE="S3",
        RUCHE_S3_BUCKET="ruche-files",
        RUCHE_S3_ENDPOINT_URL="https://s3.intranet:9000",
        RUCHE_S3_ACCESS_KEY_ID="key",
        RUCHE_S3_SECRET_ACCESS_KEY="secret",
    )
    storage = env.file_storage_from_env()
    assert storage["BACKEND"] == "ruche.core.s3.PrivateS3Storage"
    assert {
        "bucket_name": "ruche-files",
        "endpoint_url": "https://s3.intranet:9000",
        "region_name": None,
        "access_key": "key",
        "secret_key": "secret",
        "addressing_style": "path",  # another store than AWS: the bucket in the path
        "default_acl": "private",
        "file_overwrite": False,
    }.items() <= storage["OPTIONS"].items()
    assert env.media_accel_from_env(storage) == ("", "/protected-media/")
    files_env(RUCHE_MEDIA_ACCEL="X-Accel-Redirect", RUCHE_MEDIA_ACCEL_PREFIX="/internal/")
    assert env.media_accel_from_env(storage) == ("x-accel-redirect", "/internal/")


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"RUCHE_STORAGE": "nfs"}, "RUCHE_STORAGE must be one of 'local', 's3', got 'nfs'"),
        ({"RUCHE_STORAGE": "s3"}, "RUCHE_STORAGE=s3 needs RUCHE_S3_BUCKET"),
        (
            {"RUCHE_STORAGE": "s3", "RUCHE_S3_BUCKET": "b", "RUCHE_S3_ENDPOINT_URL": "s3.intranet"},
            "RUCHE_S3_ENDPOINT_URL must be an http(s) URL",
        ),
        (
            {"RUCHE_STORAGE": "s3", "RUCHE_S3_BUCKET": "b", "RUCHE_S3_ACCESS_KEY_ID": "key"},
            "RUCHE_S3_ACCESS_KEY_ID and RUCHE_S3_SECRET_ACCESS_KEY go together",
        ),
        (
            {"RUCHE_STORAGE": "s3", "RUCHE_S3_BUCKET": "b", "RUCHE_S3_ADDRESSING_STYLE": "dns"},
            "RUCHE_S3_ADDRESSING_STYLE must be one of",
        ),
    ],
)
def test_a_storage_that_cannot_work_is_refused_by_name(files_env, variables, message):
    files_env(**variables)
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        env.file_storage_from_env()


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"RUCHE_MEDIA_ACCEL": "sendfile"},
            "RUCHE_MEDIA_ACCEL must be one of '', 'x-accel-redirect', 'x-sendfile'",
        ),
        ({"RUCHE_MEDIA_ACCEL_PREFIX": "protected"}, "RUCHE_MEDIA_ACCEL_PREFIX must start and end with '/'"),
        (
            {"RUCHE_MEDIA_ACCEL": "x-sendfile", "RUCHE_STORAGE": "s3", "RUCHE_S3_BUCKET": "b"},
            "cannot serve files kept in an S3 bucket",
        ),
    ],
)
def test_a_web_server_mode_that_cannot_work_is_refused_by_name(files_env, variables, message):
    files_env(**variables)
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)):
        env.media_accel_from_env(env.file_storage_from_env())


def test_x_sendfile_with_a_bucket_stops_the_start(tmp_path):
    result = run(
        SETUP, tmp_path, RUCHE_STORAGE="s3", RUCHE_S3_BUCKET="ruche-files", RUCHE_MEDIA_ACCEL="x-sendfile"
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "RUCHE_MEDIA_ACCEL=x-sendfile" in result.stderr
