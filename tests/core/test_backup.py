"""`manage.py backup` finishes under write load with a consistent copy; `manage.py restore` brings it back.

Each test works on a real database of its own (a SQLite file, or a PostgreSQL database created for
it from a migrated template), never on the suite's test database: the commands run in a child
process configured by RUCHE_DATABASE_URL, as an operator would run them.
"""

import errno
import os
import shutil
import sqlite3
import subprocess  # noqa: S404
import sys
import threading
import time
from contextlib import closing
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from ruche.core import backup

ROOT = Path(__file__).resolve().parents[2]
VENDOR = connection.vendor
BATCH = 10  # rows a writer's transaction inserts: a copy holding part of a batch is not consistent
PHOTO = b"\xff\xd8\xff\xe0 not really a JPEG"


class Site:
    """A Ruche database (a SQLite file, or a PostgreSQL database) with its own var/ and media."""

    def __init__(self, name: str, var: Path):
        self.name, self.var = name, var
        self.media = var / "media"

    @property
    def url(self) -> str:
        if VENDOR == "sqlite":
            return f"sqlite:///{self.name}"
        pg = settings.DATABASES["default"]
        user = quote(pg["USER"]) + (":" + quote(pg["PASSWORD"]) if pg["PASSWORD"] else "")
        return (
            f"postgres://{user}@{pg['HOST'] or 'localhost'}:{pg['PORT'] or 5432}/{self.name}?conn_max_age=0"
        )

    def settings_dict(self) -> dict:
        """What the commands get from Django's settings, for in-process calls."""
        if VENDOR == "sqlite":
            return {"ENGINE": "django.db.backends.sqlite3", "NAME": self.name}
        return {**settings.DATABASES["default"], "NAME": self.name, "OPTIONS": {}}

    def manage(self, *args: str, **variables: str) -> subprocess.CompletedProcess:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("RUCHE_", "DJANGO_"))}
        environ |= {
            "RUCHE_DATABASE_URL": self.url,
            "RUCHE_VAR_DIR": str(self.var),
            "RUCHE_MEDIA_ROOT": str(self.media),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            **variables,
        }
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def connect(self):
        if VENDOR == "sqlite":
            return sqlite3.connect(self.name, timeout=20, autocommit=False)
        import psycopg

        return psycopg.connect(**pg_parameters(self.name))

    def query(self, sql: str) -> list[tuple]:
        with closing(self.connect()) as db:
            rows = db.execute(sql).fetchall()
            db.rollback()
            return rows

    def row_counts(self) -> dict[str, int]:
        if VENDOR == "sqlite":
            tables = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        else:
            tables = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        with closing(self.connect()) as db:
            names = [row[0] for row in db.execute(tables).fetchall()]
            counts = {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608
            db.rollback()
        return counts


def pg_parameters(dbname: str) -> dict:
    pg = settings.DATABASES["default"]
    parameters = {"host": pg["HOST"], "port": pg["PORT"], "user": pg["USER"], "password": pg["PASSWORD"]}
    return {key: value for key, value in parameters.items() if value} | {"dbname": dbname}


def pg_admin(*statements: str) -> None:
    import psycopg

    with psycopg.connect(**pg_parameters("postgres"), autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


# --- databases of their own -----------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A migrated Ruche database, made once: each test starts from a copy."""
    var = tmp_path_factory.mktemp("template")
    name = str(var / "ruche.sqlite3") if VENDOR == "sqlite" else f"backup_test_{os.getpid()}"
    if VENDOR == "postgresql":
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    site = Site(name, var)
    result = site.manage("migrate", "--no-input", "-v0")
    assert result.returncode == 0, result.stderr
    yield site
    if VENDOR == "postgresql":
        pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_site(template: Site | None, var: Path, suffix: str) -> Site:
    """A copy of the template (or an empty database when template is None)."""
    var.mkdir()
    if VENDOR == "sqlite":
        site = Site(str(var / "ruche.sqlite3"), var)
        if template:
            with closing(sqlite3.connect(template.name)) as src, closing(sqlite3.connect(site.name)) as dest:
                src.backup(dest)
        return site
    site = Site(f"backup_test_{os.getpid()}_{suffix}", var)
    source = f' TEMPLATE "{template.name}"' if template else ""
    pg_admin(f'DROP DATABASE IF EXISTS "{site.name}" WITH (FORCE)', f'CREATE DATABASE "{site.name}"{source}')
    return site


@pytest.fixture
def sites(template, tmp_path):
    """make("source") copies the template, make("target", empty=True) is a blank database."""
    made = []

    def make(suffix: str, *, empty: bool = False) -> Site:
        made.append(new_site(None if empty else template, tmp_path / suffix, suffix))
        return made[-1]

    yield make
    if VENDOR == "postgresql":
        pg_admin(*(f'DROP DATABASE IF EXISTS "{site.name}" WITH (FORCE)' for site in made))


# --- a consistent state: batches of rows written one transaction each ----------------------


def placeholder() -> str:
    return "?" if VENDOR == "sqlite" else "%s"


def create_probe(site: Site, batches: int, filler: int = 0) -> None:
    """The probe table, `batches` complete batches, and `filler` bytes a row (to make the copy last)."""
    with closing(site.connect()) as db:
        db.execute(
            "CREATE TABLE backup_probe (batch integer NOT NULL, item integer NOT NULL, "
            "filler text NOT NULL, PRIMARY KEY (batch, item))"
        )
        write_batches(db, range(1, batches + 1), "x" * filler)


def write_batches(db, batches, filler: str = "") -> None:
    """Whole batches, in one transaction."""
    rows = [(batch, item, filler) for batch in batches for item in range(BATCH)]
    values = ", ".join([placeholder()] * 3)
    db.cursor().executemany(f"INSERT INTO backup_probe VALUES ({values})", rows)  # noqa: S608
    db.commit()


def probe_batches(site: Site) -> int:
    """How many batches the database holds, after checking that it holds only whole ones, from 1 on."""
    rows, batches, first, last = site.query(
        "SELECT count(*), count(DISTINCT batch), min(batch), max(batch) FROM backup_probe"
    )[0]
    assert rows == batches * BATCH, "a transaction's rows are only partly there"
    assert (first, last) == (1, batches), "a batch is missing"
    return batches


class Writer(threading.Thread):
    """Commits batch after batch until stopped; `committed` is the last batch committed."""

    def __init__(self, site: Site, committed: int):
        super().__init__(daemon=True)
        self.site, self.committed = site, committed
        self.stop, self.started_writing = threading.Event(), threading.Event()

    def run(self):
        with closing(self.site.connect()) as db:
            while not self.stop.is_set():
                write_batches(db, [self.committed + 1])
                self.committed += 1
                if self.committed % 20 == 0:
                    self.started_writing.set()


# --- the tests ------------------------------------------------------------------------------


def test_a_backup_under_continuous_writes_finishes_whole_and_consistent(sites):
    source = sites("source")
    if VENDOR == "sqlite":
        assert source.query("PRAGMA journal_mode") == [("wal",)]  # as Ruche runs it
    create_probe(source, batches=2_000, filler=500)  # about 10 MB: the copy takes a while
    writer = Writer(source, committed=2_000)
    writer.start()
    try:
        assert writer.started_writing.wait(10)
        before, started = writer.committed, time.monotonic()
        result = source.manage("backup", "--output", str(source.var / "backup"))
        elapsed, after = time.monotonic() - started, writer.committed
    finally:
        writer.stop.set()
        writer.join(10)
    assert result.returncode == 0, result.stderr
    assert elapsed < 30
    assert after > before, "the writer went on while the backup ran"
    copy = restored_copy(source.var / "backup", sites)
    assert before <= probe_batches(copy) <= after


def restored_copy(directory: Path, sites) -> Site:
    """The backup's database, readable: the SQLite file itself (checked), or the dump restored."""
    if VENDOR == "sqlite":
        copy = Site(str(directory / backup.SQLITE_FILE), directory)
        assert copy.query("PRAGMA integrity_check") == [("ok",)]
        return copy
    copy = sites("copy", empty=True)
    result = copy.manage("restore", str(directory))
    assert result.returncode == 0, result.stderr
    return copy


def test_restore_end_to_end_into_a_new_database_then_over_a_damaged_one(sites):
    source = sites("source")
    create_probe(source, batches=5)
    (source.media / "photos").mkdir(parents=True)
    (source.media / "photos" / "alice.jpg").write_bytes(PHOTO)
    result = source.manage("backup")  # the default place: var/backups/ruche-<UTC time>/
    assert result.returncode == 0, result.stderr
    [made] = (source.var / "backups").glob("ruche-*")
    assert str(made) in result.stdout
    assert sorted(p.name for p in made.iterdir()) == sorted([database_file(), backup.MEDIA_FILE])
    expected = source.row_counts()

    target = sites("target", empty=True)  # a new server, or a database lost entirely
    result = target.manage("restore", str(made))
    assert result.returncode == 0, result.stderr
    assert target.row_counts() == expected
    assert (target.media / "photos" / "alice.jpg").read_bytes() == PHOTO

    with closing(target.connect()) as db:  # damage: rows lost, rows added, a photo deleted
        db.execute("DELETE FROM backup_probe WHERE batch > 2")
        write_batches(db, [99])
    (target.media / "photos" / "alice.jpg").unlink()
    with pytest.raises(backup.BackupError, match=r"is not empty.*--force"):
        backup.restore(target.settings_dict(), target.media, made)
    assert target.query("SELECT count(*) FROM backup_probe") == [(3 * BATCH,)]  # untouched

    backup.restore(target.settings_dict(), target.media, made, force=True)
    assert target.row_counts() == expected
    assert probe_batches(target) == 5
    assert (target.media / "photos" / "alice.jpg").read_bytes() == PHOTO


def test_files_kept_in_a_bucket_are_named_not_copied_and_never_restored_to_disk(sites):
    """With RUCHE_STORAGE=s3 the backup says where the files are; a restore leaves the disk alone."""
    source = sites("source")
    (source.media / "photos").mkdir(parents=True)
    (source.media / "photos" / "alice.jpg").write_bytes(PHOTO)
    in_a_bucket = {"RUCHE_STORAGE": "s3", "RUCHE_S3_BUCKET": "ruche-files"}
    in_a_bucket["RUCHE_S3_ENDPOINT_URL"] = "https://s3.intranet:9000"  # never contacted
    result = source.manage("backup", "--output", str(source.var / "bucket"), **in_a_bucket)
    assert result.returncode == 0, result.stderr
    made = source.var / "bucket"
    assert sorted(p.name for p in made.iterdir()) == sorted([database_file(), backup.MEDIA_NOTE])
    assert "NOT in this backup" in result.stdout and "'ruche-files'" in result.stdout
    assert "ruche-files" in (made / backup.MEDIA_NOTE).read_text()

    result = source.manage("backup", "--output", str(source.var / "disk"))  # then a local one
    assert result.returncode == 0, result.stderr
    target = sites("target", empty=True)
    result = target.manage("restore", str(source.var / "disk"), **in_a_bucket)
    assert result.returncode == 0, result.stderr
    assert "Uploaded files were NOT restored" in result.stdout and "ruche-files" in result.stdout
    assert not target.media.exists()  # media.tar left alone: the files belong in the bucket
    assert target.row_counts() == source.row_counts()


def database_file() -> str:
    return backup.SQLITE_FILE if VENDOR == "sqlite" else backup.POSTGRES_FILE


def test_an_output_that_cannot_be_written_fails_clearly_and_leaves_nothing(sites):
    source = sites("source")
    (source.var / "not-a-directory").write_text("")
    result = source.manage("backup", "--output", str(source.var / "not-a-directory" / "backup"))
    assert result.returncode != 0
    assert "Backup failed, nothing was written" in result.stderr and "Traceback" not in result.stderr
    assert (source.var / "not-a-directory").read_text() == ""


def test_a_failure_half_way_removes_what_was_written(sites, monkeypatch):
    source = sites("source")
    create_probe(source, batches=3)

    def disk_full(media_root, dest):
        dest.write_bytes(b"half a tar")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(backup, "archive_media", disk_full)
    backups = source.var / "backups"
    with pytest.raises(backup.BackupError, match="No space left"):
        backup.create(source.settings_dict(), source.media, backups / "ruche-now")
    assert list(backups.iterdir()) == []  # the database copy was written, then removed


@pytest.mark.skipif(VENDOR != "postgresql", reason="pg_dump")
class TestPgDump:
    @pytest.fixture
    def fake_bin(self, tmp_path, monkeypatch):
        """A directory first on PATH; fake(version, dies=True) puts a pg_dump there."""
        directory = tmp_path / "bin"
        directory.mkdir()
        monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ['PATH']}")

        def fake(version: str, dies: bool = False) -> None:
            script = directory / "pg_dump"
            script.write_text(
                "#!/bin/sh\n"
                f'[ "$1" = --version ] && echo "pg_dump (PostgreSQL) {version}" && exit 0\n'
                'for a; do case "$a" in --file=*) printf PGDMP-partial > "${a#--file=}";; esac; done\n'
                'echo "pg_dump: error: connection to server lost" >&2; exit 1\n'
            )
            script.chmod(0o755)

        return fake

    def test_pg_dump_dying_half_way_leaves_nothing(self, sites, fake_bin, tmp_path):
        fake_bin("99.1")
        with pytest.raises(backup.BackupError, match="pg_dump failed .*connection to server lost"):
            backup.create(sites("source").settings_dict(), tmp_path / "media", tmp_path / "out" / "b")
        assert list((tmp_path / "out").iterdir()) == []

    def test_an_older_pg_dump_is_refused_by_name(self, sites, fake_bin, tmp_path):
        fake_bin("9.6.24")
        with pytest.raises(backup.BackupError, match=r"pg_dump 9 cannot dump a PostgreSQL 1\d server"):
            backup.create(sites("source").settings_dict(), tmp_path / "media", tmp_path / "out" / "b")

    def test_a_missing_pg_dump_is_named(self, sites, tmp_path, monkeypatch):
        monkeypatch.setenv("PATH", str(tmp_path))  # nothing there
        with pytest.raises(backup.BackupError, match="pg_dump is not on PATH"):
            backup.create(sites("source").settings_dict(), tmp_path / "media", tmp_path / "out" / "b")
        assert list((tmp_path / "out").iterdir()) == []


def test_a_backup_of_the_other_database_kind_is_refused(tmp_path):
    (tmp_path / backup.POSTGRES_FILE).write_bytes(b"PGDMP")
    with pytest.raises(
        backup.BackupError, match="holds database.dump, but the configured database is sqlite"
    ):
        backup.backup_files(tmp_path, "sqlite")


def test_a_damaged_sqlite_copy_is_never_restored(tmp_path):
    damaged = tmp_path / "database.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    target = tmp_path / "target.sqlite3"
    with pytest.raises(backup.BackupError):
        backup.restore_sqlite(damaged, str(target))
    assert not target.exists()


def test_the_default_output_is_a_utc_timestamp_under_var_backups(tmp_path):
    from datetime import UTC, datetime

    moment = datetime(2026, 3, 15, 2, 0, 5, tzinfo=UTC)
    assert backup.default_output(tmp_path, moment) == tmp_path / "backups" / "ruche-20260315T020005Z"


def test_the_media_archive_unpacks_with_standard_tools(tmp_path):
    """A backup is plain files: the media tar unpacks with standard tools."""
    (tmp_path / "media" / "a").mkdir(parents=True)
    (tmp_path / "media" / "a" / "b.jpg").write_bytes(PHOTO)
    backup.archive_media(tmp_path / "media", tmp_path / "media.tar")
    shutil.unpack_archive(tmp_path / "media.tar", tmp_path / "out", filter="data")
    assert (tmp_path / "out" / "a" / "b.jpg").read_bytes() == PHOTO
