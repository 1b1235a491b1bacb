"""The one place that reads the environment: typed, with safe defaults, failing fast on nonsense."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_hosts(name: str) -> list[str]:
    """A comma-separated list of "host" or "host:port" ("[v6]:port" for IPv6)."""
    hosts = env_list(name, [])
    for host in hosts:
        try:
            parts = urlsplit(f"//{host}")
            valid = bool(parts.hostname) and (parts.port is None or parts.port > 0)
        except ValueError:  # a port that is not a number, or out of range
            valid = False
        if not valid:
            raise ImproperlyConfigured(f"{name}: {host!r} is not host or host:port")
    return hosts


def database_from_url(url: str, base_dir: Path) -> dict:
    """Turn `sqlite:///path`, `sqlite://:memory:` or `postgres://user:pw@host:port/db` into Django's dict."""
    parsed = urlparse(url)
    options = {key: values[-1] for key, values in parse_qs(parsed.query, keep_blank_values=True).items()}
    if parsed.scheme == "sqlite":
        name = ":memory:" if parsed.netloc == ":memory:" else unquote(parsed.path[1:]) or ":memory:"
        if name != ":memory:" and not Path(name).is_absolute():
            name = str(base_dir / name)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE avoids the
                # "database is locked" upgrade deadlock; the timeout waits for the writer
                # (`?timeout=` seconds, 20 by default), then the write fails as "database is locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": float(options.get("timeout") or 20),
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA cache_size=-20000; PRAGMA mmap_size=134217728;"
                ),
            },
            "TEST": {"NAME": ":memory:"} if name == ":memory:" else {},
            # A connection is kept for 5 minutes, and its page cache with it: opened for each
            # request, every page read its pages again (docs/performance.md, "Throughput");
            # `?conn_max_age=0` opens one per request.
            "CONN_MAX_AGE": int(options.get("conn_max_age", 300)),
        }
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        # No JIT: our queries are short, and when the planner overestimates one (a join of many
        # subqueries, a table not analysed yet) JIT compiles for ~100 ms to save microseconds
        # (measured on the notifications page: 104 ms with it, see docs/performance.md).
        # No parallel workers either: starting two for a feed page's eleven rows cost 11 ms of a
        # 13 ms query on the 100,000-person company (docs/performance.md, "Throughput").
        options.setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")
        # Parameters bound by the server, and a statement run five times on a connection prepared
        # there: planning the home page's queries cost more than running them (1.8 ms to plan the
        # feed's, 0.4 to run it). `?prepare_threshold=` (empty) turns preparing off, e.g. behind a
        # pooler in transaction mode; `?server_side_binding=false` goes back to Django's default.
        options["server_side_binding"] = options.get("server_side_binding", "true").lower() != "false"
        threshold = options.get("prepare_threshold", "5")
        options["prepare_threshold"] = int(threshold) if threshold else None
        return {
            "ENGINE": "ruche.core.postgresql",  # Django's, checked without a round trip
            "NAME": unquote(parsed.path[1:]),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # A connection is kept for 5 minutes (checked before reuse), and its prepared statements
            # with it; `?conn_max_age=0` opens one per request.
            "CONN_MAX_AGE": int(options.pop("conn_max_age", 300)),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(f"RUCHE_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (case-insensitive); unset or empty is `default`; anything else stops start-up."""
    raw = os.environ.get(name)
    value = default if raw is None or raw.strip() == "" else raw.strip().lower()
    if value not in choices:
        shown = ", ".join(repr(choice) for choice in choices)
        raise ImproperlyConfigured(f"{name} must be one of {shown}, got {raw!r}")
    return value


def file_storage_from_env() -> dict:
    """STORAGES["default"]: where uploaded files live (docs/operations.md, "Files").

    RUCHE_STORAGE=local (default) keeps them under MEDIA_ROOT; RUCHE_STORAGE=s3 in a private bucket of
    any S3-compatible store. Either way they are read only through ruche.core.media's view: objects are
    private, and a file's URL is ours (/media/<name>), never the bucket's."""
    if env_choice("RUCHE_STORAGE", "local", ("local", "s3")) == "local":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    bucket = env_str("RUCHE_S3_BUCKET").strip()
    if not bucket:
        raise ImproperlyConfigured("RUCHE_STORAGE=s3 needs RUCHE_S3_BUCKET, the bucket's name")
    endpoint = env_str("RUCHE_S3_ENDPOINT_URL").strip()
    if endpoint and not (urlsplit(endpoint).scheme in {"http", "https"} and urlsplit(endpoint).hostname):
        raise ImproperlyConfigured(
            f"RUCHE_S3_ENDPOINT_URL must be an http(s) URL (e.g. https://s3.example.com), got {endpoint!r}"
        )
    key_id, secret = env_str("RUCHE_S3_ACCESS_KEY_ID").strip(), env_str("RUCHE_S3_SECRET_ACCESS_KEY").strip()
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "RUCHE_S3_ACCESS_KEY_ID and RUCHE_S3_SECRET_ACCESS_KEY go together: set both, or neither "
            "(then boto3 finds credentials itself: AWS_* variables, ~/.aws, an instance role)"
        )
    # Stores other than AWS (MinIO, Ceph, Garage...) expect the bucket in the path, not the host name.
    style = env_choice(
        "RUCHE_S3_ADDRESSING_STYLE", "path" if endpoint else "auto", ("auto", "path", "virtual")
    )
    return {
        "BACKEND": "ruche.core.s3.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": env_str("RUCHE_S3_REGION").strip() or None,
            "access_key": key_id or None,
            "secret_key": secret or None,
            "addressing_style": style,
            "default_acl": "private",
            "file_overwrite": False,  # a name taken gets another, never replaces someone's file
            "querystring_auth": True,  # were a bucket URL ever made, it would be signed and expire
        },
    }


def media_accel_from_env(storage: dict) -> tuple[str, str]:
    """(RUCHE_MEDIA_ACCEL, RUCHE_MEDIA_ACCEL_PREFIX): who sends a permitted file's bytes."""
    accel = env_choice("RUCHE_MEDIA_ACCEL", "", ("", "x-accel-redirect", "x-sendfile"))
    prefix = env_str("RUCHE_MEDIA_ACCEL_PREFIX", "/protected-media/").strip()
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ImproperlyConfigured(
            f"RUCHE_MEDIA_ACCEL_PREFIX must start and end with '/' (e.g. /protected-media/), got {prefix!r}"
        )
    if accel == "x-sendfile" and storage["BACKEND"] != "django.core.files.storage.FileSystemStorage":
        raise ImproperlyConfigured(
            "RUCHE_MEDIA_ACCEL=x-sendfile hands the web server a file's path on this machine's disk: "
            "it cannot serve files kept in an S3 bucket (RUCHE_STORAGE=s3). Unset RUCHE_MEDIA_ACCEL "
            "(Ruche streams the files itself), or keep files on local disk."
        )
    return accel, prefix


def url_origin(name: str, url: str) -> str:
    """ "https://host[:port]" of an absolute http(s) URL; anything else stops start-up."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name} must be an absolute http(s) URL, got {url!r}")
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"


def env_mapping(name: str, default: dict[str, str]) -> dict[str, str]:
    """Comma-separated `key=value` pairs laid over `default` (only its keys; `key=` empties one)."""
    mapping = dict(default)
    for pair in env_list(name, []):
        key, equals, value = (part.strip() for part in pair.partition("="))
        if not equals or key not in default:
            known = ", ".join(default)
            raise ImproperlyConfigured(f"{name}: {pair!r} is not key=value with a key among {known}")
        mapping[key] = value
    return mapping
