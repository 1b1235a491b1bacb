"""Query helpers with no domain, shared by the apps' selectors."""

from django.db import connection
from django.db.models import Q


def prefix_q(field_name: str, key: str) -> Q:
    """`field startswith key`, written so that the field's B-tree index serves it on both databases:
    SQLite's LIKE cannot use it (case-insensitive LIKE), a range can; PostgreSQL's LIKE uses the
    `varchar_pattern_ops` index Django creates for unique and indexed text fields."""
    if connection.vendor == "sqlite":
        return Q(**{f"{field_name}__gte": key, f"{field_name}__lt": key + "\U0010ffff"})
    return Q(**{f"{field_name}__startswith": key})
