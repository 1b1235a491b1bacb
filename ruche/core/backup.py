"""Backups that finish while the site is written to, and their restore (docs/operations.md, "Backups").

A backup is one directory, `ruche-<UTC time>/`, holding the database (`database.sqlite3`, or
`database.dump` in pg_dump's custom format) and the uploaded files (`media.tar`, MEDIA_ROOT's tree)
when they are on this machine's disk. Kept in an S3 bucket, they are not copied: the backup holds a
note (`media-not-included.txt`) saying where they are, to be backed up with the store's own tools.
It is built under a hidden `.ruche-<UTC time>.partial` name and renamed once complete and checked:
a directory named `ruche-*` is always a whole backup; a failed run leaves nothing behind.
"""

import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 (pg_dump and pg_restore, found on PATH, with argument lists)
import tarfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
MEDIA_FILE = "media.tar"
MEDIA_NOTE = "media-not-included.txt"
SQLITE_BUSY_SECONDS = 20  # the read lock is refused only while a WAL is recovered: wait as the app does

# libpq's environment variables for Django's settings: the password never reaches a command line.
PG_SETTINGS = {
    "NAME": "PGDATABASE",
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
}
PG_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """A backup or a restore that cannot go on, said in words for the operator."""


def default_output(var_dir: Path, now: datetime | None = None) -> Path:
    return Path(var_dir) / "backups" / f"ruche-{(now or datetime.now(UTC)):%Y%m%dT%H%M%SZ}"


# --- backing up -------------------------------------------------------------------------------


def create(db: dict, media_root: Path | None, output: Path, *, media_elsewhere: str = "") -> list[Path]:
    """Copy the database `db` (Django's settings dict) and `media_root` into the new directory `output`.
    `media_root` None: the files are not on this disk; `media_elsewhere` says where, in the note."""
    output = Path(output).absolute()
    partial = _partial_directory(output)
    try:
        # The database first: media uploaded meanwhile are extra files; a photo the copy refers to
        # could only be missing if it was replaced (and its old file deleted) in between.
        copy_database(db, partial)
        if media_root is None:
            write_media_note(partial / MEDIA_NOTE, media_elsewhere)
        else:
            archive_media(Path(media_root), partial / MEDIA_FILE)
        _fsync(partial)
        partial.rename(output)
        _fsync(output.parent)
    except (OSError, sqlite3.Error, tarfile.TarError) as exc:  # a full disk, a lost file system...
        shutil.rmtree(partial, ignore_errors=True)
        raise BackupError(f"{exc} (while writing {output}).") from exc
    except BaseException:  # including BackupError, Ctrl+C and SIGTERM: no half-written backup stays
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return sorted(output.iterdir())


def _partial_directory(output: Path) -> Path:
    """The hidden directory the backup is written in, renamed to `output` once whole."""
    if output.exists():
        raise BackupError(f"{output} already exists: choose another --output.")
    partial = output.with_name(f".{output.name}.partial")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"Cannot create the directory {output.parent}: {exc.strerror or exc}.") from exc
    try:
        partial.mkdir(mode=0o700)  # every password hash, every secret community's posts
    except FileExistsError as exc:
        raise BackupError(f"{partial} exists, left by an interrupted backup: delete it.") from exc
    except OSError as exc:
        raise BackupError(f"Cannot create {partial}: {exc.strerror or exc}.") from exc
    return partial


def copy_database(db: dict, directory: Path) -> Path:
    if _vendor(db) == "sqlite":
        return copy_sqlite(db["NAME"], directory / SQLITE_FILE)
    return dump_postgres(db, directory / POSTGRES_FILE)


def copy_sqlite(source: str, dest: Path) -> Path:
    """A consistent copy of a live SQLite database, checked, on disk.

    `sqlite3 .backup` (the backup API, 100 pages a step) starts over whenever another connection
    writes between two steps: under steady writes it never ends. VACUUM INTO reads everything in
    one read transaction, one WAL snapshot, while writers go on; so does the backup API in one step
    (`pages=-1`). Measured under a stream of posts on a 911 MB database (benchmarks/backup.py,
    docs/operations.md "Backups"): the backup API took 2 s and wrote 911 MB, VACUUM INTO 5 s and
    490 MB. VACUUM INTO it is: a few more seconds of snapshot buy a copy of the live rows only,
    compacted, where the page copy carries every free page (Ruche deletes rows daily), is as large as
    the file, and, where SQLite is built without secure_delete, keeps deleted rows readable.
    """
    if source == ":memory:" or not Path(source).is_file():
        raise BackupError(f"No SQLite database file at {source!r}: nothing to back up.")
    with closing(_sqlite_connect(source, mode="rw")) as connection:
        connection.execute("VACUUM INTO ?", [str(dest)])
    check_sqlite(dest)
    _fsync(dest)  # VACUUM INTO does not sync the file it writes
    dest.chmod(0o600)
    return dest


def check_sqlite(path: Path) -> None:
    try:
        with closing(_sqlite_connect(path, mode="ro")) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}.") from exc
    if result != [("ok",)]:
        problems = "; ".join(row[0] for row in result[:5])
        raise BackupError(f"{path} failed SQLite's integrity check: {problems}.")


def dump_postgres(db: dict, dest: Path) -> Path:
    """pg_dump in custom format: one REPEATABLE READ snapshot, writers are never blocked."""
    pg_dump = _pg_program("pg_dump")
    client, server = _major_version(pg_dump), _server_major_version(db)
    if client < server:
        raise BackupError(
            f"pg_dump {client} cannot dump a PostgreSQL {server} server: install the PostgreSQL "
            f"{server} client tools (e.g. postgresql-client-{server}) and put them first on PATH."
        )
    _run([pg_dump, "--format=custom", "--no-password", f"--file={dest}"], db)
    dest.chmod(0o600)
    _run([_pg_program("pg_restore"), "--list", str(dest)], db)  # the archive reads back whole
    _fsync(dest)
    return dest


def archive_media(media_root: Path, dest: Path) -> Path:
    """MEDIA_ROOT as a tar (photos are already compressed); a file deleted meanwhile is left out."""
    with tarfile.open(dest, "w") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                try:
                    tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                except FileNotFoundError:
                    continue
    dest.chmod(0o600)
    _fsync(dest)
    return dest


def write_media_note(dest: Path, elsewhere: str) -> Path:
    dest.write_text(
        f"This backup holds the database only. The uploaded files (photos, covers, attachments) are "
        f"not in it: they are kept in {elsewhere or 'an object store'}. Back that up with the "
        f"store's own tools (bucket versioning, replication, a scheduled copy).\n"
    )
    dest.chmod(0o600)
    _fsync(dest)
    return dest


# --- restoring --------------------------------------------------------------------------------


def restore(db: dict, media_root: Path | None, source: Path, force: bool = False) -> list[Path]:
    """Put a backup (its directory, or a database file alone) back into `db` and `media_root` (None:
    the files are kept in a bucket, where a media archive is not extracted: the caller says so)."""
    database_file, media_file = backup_files(Path(source), _vendor(db))
    try:
        if not force and not database_is_empty(db):
            raise BackupError(
                f"The database {db['NAME']!r} is not empty: restoring would replace it. "
                "Stop Ruche, check that this is the database to overwrite, then add --force."
            )
        if _vendor(db) == "sqlite":
            restore_sqlite(database_file, db["NAME"])
        else:
            restore_postgres(database_file, db)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(str(exc)) from exc
    if not media_file or media_root is None:
        return [database_file]
    try:
        extract_media(media_file, Path(media_root))
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            f"The database was restored, but not the media: extracting {media_file} into {media_root} "
            f"failed ({exc}). Fix this, then extract it by hand: tar -xf {media_file} -C {media_root}"
        ) from exc
    return [database_file, media_file]


def backup_files(source: Path, vendor: str) -> tuple[Path, Path | None]:
    wanted, other = (SQLITE_FILE, POSTGRES_FILE) if vendor == "sqlite" else (POSTGRES_FILE, SQLITE_FILE)
    if source.is_file():
        return source, None
    if not source.is_dir():
        raise BackupError(f"No backup at {source}.")
    if not (source / wanted).is_file():
        if (source / other).is_file():
            raise BackupError(f"{source} holds {other}, but the configured database is {vendor}.")
        raise BackupError(f"{source} holds no {wanted}: not a Ruche backup.")
    media = source / MEDIA_FILE
    return source / wanted, media if media.is_file() else None


def database_is_empty(db: dict) -> bool:
    if _vendor(db) == "sqlite":
        path = Path(db["NAME"])
        if not path.is_file() or path.stat().st_size == 0:
            return True
        with closing(_sqlite_connect(path, mode="ro")) as connection:
            return not connection.execute("SELECT 1 FROM sqlite_master WHERE type = 'table'").fetchone()
    with _pg_connect(db) as connection:
        return not connection.execute(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') LIMIT 1"
        ).fetchone()


def restore_sqlite(backup_file: Path, target: str) -> None:
    """Copy the backup into the target with the backup API, as one write transaction.

    Copying the file into place would also need the target's -wal and -shm files removed (SQLite
    would otherwise replay the old database's last writes onto the restored one). Written through
    SQLite, the whole content is replaced in one transaction: an interrupted restore rolls back.
    """
    if target == ":memory:":
        raise BackupError("The configured database is in memory: nothing to restore into.")
    check_sqlite(backup_file)  # a damaged copy is refused before anything is touched
    with (
        closing(_sqlite_connect(backup_file, mode="ro")) as source,
        closing(sqlite3.connect(target, timeout=SQLITE_BUSY_SECONDS)) as dest,
    ):
        source.backup(dest)
        dest.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def restore_postgres(dump: Path, db: dict) -> None:
    """One transaction: on any error the database is left as it was."""
    _run(
        [
            _pg_program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={db['NAME']}",
            str(dump),
        ],
        db,
    )


def extract_media(archive: Path, media_root: Path) -> None:
    """Into MEDIA_ROOT, over what is there; the "data" filter refuses paths and links leaving it."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(media_root, filter="data")


# --- helpers ----------------------------------------------------------------------------------


def _vendor(db: dict) -> str:
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith(("postgresql", "postgis")):
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _sqlite_connect(path, mode: str) -> sqlite3.Connection:
    """An existing database only (`mode=rw` or `ro`): sqlite3.connect would create a missing one."""
    uri = f"file:{quote(str(Path(path).absolute()))}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_SECONDS)


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _pg_environment(db: dict) -> dict[str, str]:
    environment = dict(os.environ)
    for key, variable in PG_SETTINGS.items():
        if db.get(key):
            environment[variable] = str(db[key])
    for key, variable in PG_OPTIONS.items():
        if db["OPTIONS"].get(key):
            environment[variable] = str(db["OPTIONS"][key])
    return environment


def _pg_connect(db: dict):
    import psycopg

    parameters = {key.lower(): str(db[key]) for key in PG_SETTINGS if db.get(key)}
    parameters["dbname"] = parameters.pop("name", "")
    parameters |= {key: str(db["OPTIONS"][key]) for key in PG_OPTIONS if db["OPTIONS"].get(key)}
    try:
        return psycopg.connect(**parameters)
    except psycopg.OperationalError as exc:
        raise BackupError(f"Cannot connect to PostgreSQL: {exc}".strip()) from exc


def _pg_program(name: str) -> str:
    program = shutil.which(name)
    if not program:
        raise BackupError(
            f"{name} is not on PATH: install PostgreSQL's client tools (e.g. postgresql-client), "
            "of the server's major version or newer."
        )
    return program


def _major_version(program: str) -> int:
    output = subprocess.run([program, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    found = re.search(r"\(PostgreSQL\) (\d+)", output)
    if not found:
        raise BackupError(f"Cannot tell the version of {program} from {output.strip()!r}.")
    return int(found[1])


def _server_major_version(db: dict) -> int:
    with _pg_connect(db) as connection:
        return connection.info.server_version // 10_000


def _run(command: list[str], db: dict) -> None:
    result = subprocess.run(  # noqa: S603 (a PostgreSQL client found on PATH, no shell)
        command, env=_pg_environment(db), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} failed (exit {result.returncode}): {result.stderr.strip()}")
