# Every statement is built from this file's constants and the watched tables' column names:
# ruff: noqa: S608
"""Stamps: numbers the database moves whenever what a reader's home feed may show changes.

A kept page (ruche/feed/memo.py) is given again only while its stamps have not moved. Like
`Post.version` (ruche/posts/versions.py), they are kept by triggers, not by the services, so that
every write path moves them: a service, a queryset `.update()`, the admin, a manual fix in psql.

A stamp is a row of `feed_stamp` (kind, item, version). Its kinds:
- a **reader**'s (item: the person): their own rows that their pages show or read: who and what they
  follow, their memberships and roles, their feed entries, reactions, votes and saved posts, their own
  account and profile (`READER`; a page app adds what it shows: ruche/web/stamps.py);
- an **author**'s, a **hashtag**'s, a **community**'s (item: its id): a post of theirs written,
  changed (any move of its version: its card changed), placed, tagged or removed. A reader's page
  reads the sum of the stamps of every source they follow, so a post pulled from a large source
  (never fanned out into their entries) moves it too;
- the **shared** one (item 0): what every page shows of the company around (a community's name,
  visibility or count, for instance).

A version only moves forward, so the sum over a reader's sources moves whenever one of them does,
while their own stamp holds the set of sources still.

SQLite writes one transaction at a time: its triggers move the stamps at once. PostgreSQL runs
transactions side by side, and a trigger's update locks the stamp's row until the commit: two
transactions moving the same two stamps in opposite orders (a reaction: the reader, then the
author; a post mentioning that reader: the author, then the reader) would deadlock. So PostgreSQL's
triggers only note the stamps to move in the transaction (`ruche.stamps`, a setting local to it),
and a deferred trigger moves them all at the commit, in one statement, in the order of their keys:
transactions then take these locks in one order and cannot wait on each other in a circle. Until
then the transaction's own reads would miss its moves: `flush()` applies them (a request made
inside a transaction: tests).

A change of the watched tables or columns needs a new migration calling `install()` again (it drops
and recreates everything); tests/feed/test_stamps.py fails until then. On SQLite, a migration that
rebuilds a watched table loses its triggers: such a migration calls `install()` last.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from ruche.posts.versions import _changed  # the same comparison of watched columns

SHARED, READER, AUTHOR, HASHTAG, COMMUNITY = 0, 1, 2, 3, 4
TABLE = "feed_stamp"


@dataclass(frozen=True)
class Watch:
    """A table whose rows move a stamp: `kind`'s stamp for the item in column `item` (the shared
    stamp when None), on every insert, delete and update but those changing only `ignored` columns."""

    table: str
    kind: int
    item: str | None
    ignored: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"stamp_{self.table}"


# The feed's own: what a reader's feed page reads of them, their sources, and the shared community
# facts. accounts_user: last_seen_at and last_login move on every visit, follower_count with others'
# follows; none shows on the person's own pages.
FEED = (
    Watch("accounts_user", READER, "id", ignored=("last_seen_at", "last_login", "follower_count")),
    Watch("accounts_profile", READER, "user_id"),
    Watch("accounts_follow", READER, "follower_id"),
    Watch("posts_hashtagfollow", READER, "user_id"),
    Watch("communities_membership", READER, "user_id"),
    Watch("feed_feedentry", READER, "user_id"),
    Watch("posts_reaction", READER, "user_id"),
    Watch("posts_bookmark", READER, "user_id"),
    Watch("qa_answervote", READER, "user_id"),  # a question's card shows which answers they voted for
    Watch("posts_post", AUTHOR, "author_id"),
    Watch("posts_post_hashtags", HASHTAG, "hashtag_id"),
    Watch("communities_placement", COMMUNITY, "community_id"),
    Watch("communities_community", SHARED, None),
)
# A post changed also moves the stamps of its hashtags and communities (it may be pulled by them).
POST_SOURCES = (
    (HASHTAG, "SELECT hashtag_id AS item FROM posts_post_hashtags WHERE post_id = {row}.id"),
    (COMMUNITY, "SELECT community_id AS item FROM communities_placement WHERE post_id = {row}.id"),
)


def _sources(watch: Watch, row: str, *, old: bool = False) -> list[tuple[int, str]]:
    """(kind, SELECT of `item`s) for a row of `watch`: the items whose stamps it moves. An updated
    row's old version (`old`) moves only its own item (the update may have changed it)."""
    item = f"{row}.{watch.item}" if watch.item else "0"
    if old:
        return [(watch.kind, f"SELECT {item} AS item")] if watch.item else []
    moved = [(watch.kind, f"SELECT {item} AS item")]
    if watch.table == "posts_post":
        moved += [(kind, select.format(row=row)) for kind, select in POST_SOURCES]
    return moved


def _columns(connection, table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


# --- SQLite: each trigger moves its stamps at once -----------------------------------------------


def _sqlite_move(kind: int, select: str) -> str:
    # WHERE: SQLite's upsert after a SELECT needs one (it tells ON CONFLICT from a join's ON).
    return (
        f"INSERT INTO {TABLE} (kind, item, version) SELECT {kind}, item, 1 FROM ({select}) "
        f"WHERE item IS NOT NULL ON CONFLICT (kind, item) DO UPDATE SET version = version + 1;"
    )


def _sqlite(watch: Watch, columns: list[str]) -> list[str]:
    def moves(row: str, old: bool = False) -> str:
        return " ".join(_sqlite_move(kind, select) for kind, select in _sources(watch, row, old=old))

    watched = [c for c in columns if c not in watch.ignored]
    when = f"WHEN {_changed(watched, 'IS NOT')} " if watch.ignored else ""
    return [
        f"CREATE TRIGGER {watch.name}_insert AFTER INSERT ON {watch.table} BEGIN {moves('NEW')} END",
        f"CREATE TRIGGER {watch.name}_update AFTER UPDATE ON {watch.table} {when}"
        f"BEGIN {moves('NEW')} {moves('OLD', old=True)} END",
        f"CREATE TRIGGER {watch.name}_delete AFTER DELETE ON {watch.table} BEGIN {moves('OLD')} END",
    ]


def _sqlite_drop(watch: Watch) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {watch.name}_{event}" for event in ("insert", "update", "delete")]


# --- PostgreSQL: statement triggers note the stamps, a deferred trigger moves them at the commit ---

PG_APPLY = f"""CREATE OR REPLACE FUNCTION ruche_stamps_apply() RETURNS void LANGUAGE plpgsql AS $$
DECLARE noted text := current_setting('ruche.stamps', true);
BEGIN
  IF noted IS NULL OR noted = '' THEN RETURN; END IF;
  PERFORM set_config('ruche.stamps', '', true);
  INSERT INTO {TABLE} (kind, item, version)
  SELECT DISTINCT split_part(n, ':', 1)::smallint, split_part(n, ':', 2)::bigint, 1
  FROM unnest(string_to_array(noted, ',')) AS n WHERE n <> '' ORDER BY 1, 2
  ON CONFLICT (kind, item) DO UPDATE SET version = {TABLE}.version + 1;
END $$"""
PG_AT_COMMIT = """CREATE OR REPLACE FUNCTION ruche_stamps_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN PERFORM ruche_stamps_apply(); RETURN NULL; END $$"""
_PG_EVENTS = {"insert": ("NEW TABLE AS new_rows",), "delete": ("OLD TABLE AS old_rows",),
              "update": ("NEW TABLE AS new_rows", "OLD TABLE AS old_rows")}  # fmt: skip


def _pg_note(watch: Watch, event: str, columns: list[str]) -> str:
    """The statement trigger's function: each row's stamps, noted for the commit (one setting
    update per statement, however many rows: a fan-out writes a thousand entries in one)."""
    rows = {"insert": ["new_rows"], "delete": ["old_rows"], "update": ["new_rows", "old_rows"]}[event]
    parts = []
    for name in rows:
        source = f"{name} AS r"
        if event == "update" and watch.ignored:  # only rows whose watched columns changed
            watched = [c for c in columns if c not in watch.ignored]
            other = "old_rows" if name == "new_rows" else "new_rows"
            differ = " OR ".join(f'r."{c}" IS DISTINCT FROM o."{c}"' for c in watched)
            source = f"{name} AS r JOIN {other} AS o ON o.id = r.id AND ({differ})"
        for kind, select in _sources(watch, "r", old=event == "update" and name == "old_rows"):
            parts.append(f"SELECT {kind} AS kind, s.item FROM {source} CROSS JOIN LATERAL ({select}) AS s")
    union = " UNION ".join(parts)
    return (
        f"CREATE OR REPLACE FUNCTION ruche_{watch.name}_{event}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE noted text; BEGIN "
        f"SELECT string_agg(kind || ':' || item, ',') INTO noted FROM ({union}) AS moved WHERE item IS NOT NULL; "
        "IF noted IS NOT NULL THEN PERFORM set_config('ruche.stamps', "
        "coalesce(current_setting('ruche.stamps', true), '') || noted || ',', true); END IF; "
        "RETURN NULL; END $$"
    )


def _postgresql(watch: Watch, columns: list[str]) -> list[str]:
    statements = []
    for event, tables in _PG_EVENTS.items():
        statements += [
            _pg_note(watch, event, columns),
            f"CREATE TRIGGER {watch.name}_{event} AFTER {event.upper()} ON {watch.table} "
            f"REFERENCING {' '.join(tables)} FOR EACH STATEMENT EXECUTE FUNCTION ruche_{watch.name}_{event}()",
        ]
    statements.append(
        f"CREATE CONSTRAINT TRIGGER {watch.name}_commit AFTER INSERT OR UPDATE OR DELETE ON {watch.table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ruche_stamps_at_commit()"
    )
    return statements


def _postgresql_drop(watch: Watch) -> list[str]:
    events = [*_PG_EVENTS, "commit"]
    return [
        *(f"DROP TRIGGER IF EXISTS {watch.name}_{event} ON {watch.table}" for event in events),
        *(f"DROP FUNCTION IF EXISTS ruche_{watch.name}_{event}()" for event in _PG_EVENTS),
    ]


def statements(connection, watches) -> tuple[list[str], list[str]]:
    """(drop, create) for `watches` on this connection's database."""
    if connection.vendor == "sqlite":
        drop = [sql for watch in watches for sql in _sqlite_drop(watch)]
        return drop, [sql for w in watches for sql in _sqlite(w, _columns(connection, w.table))]
    if connection.vendor == "postgresql":
        drop = [sql for watch in watches for sql in _postgresql_drop(watch)]
        create = [PG_APPLY, PG_AT_COMMIT]
        return drop, create + [sql for w in watches for sql in _postgresql(w, _columns(connection, w.table))]
    raise NotImplementedError(
        f"Feed stamps are kept by database triggers written for SQLite and PostgreSQL only, not "
        f"{connection.vendor!r}: write them for this database in ruche/feed/stamps.py."
    )


def install(schema_editor, watches=FEED) -> None:
    """(Re)create the triggers of `watches`: drops them first, so a later migration may call it again."""
    drop, create = statements(schema_editor.connection, watches)
    for sql in [*drop, *create]:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor, watches=FEED) -> None:
    drop, _create = statements(schema_editor.connection, watches)
    for sql in drop:
        schema_editor.execute(sql, params=None)


# Every stamp trigger's name starts so (Watch.name), the feed's and the page apps' alike.
_NAMED = r"stamp\_%"
_LISTED = {
    "sqlite": f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '{_NAMED}' ESCAPE '\\'",
    "postgresql": f"SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal "
    f"AND tgname LIKE '{_NAMED}' ESCAPE '\\'",
}


@contextmanager
def paused(connection):
    """Every stamp trigger of the database off while a company is written in bulk (a hundred
    thousand people's rows would note millions of stamps for pages nobody has kept yet), and on
    again after, even on an error: the stamps start from there. For an empty database only: a page
    kept elsewhere meanwhile would not see these writes."""
    if connection.vendor not in _LISTED:
        statements(connection, ())  # refuses loudly, as install() would
    with connection.cursor() as cursor:
        cursor.execute(_LISTED[connection.vendor])
        triggers = cursor.fetchall()
        quote = connection.ops.quote_name
        if connection.vendor == "sqlite":
            off = [f"DROP TRIGGER {quote(name)}" for name, _sql in triggers]
            on = [sql for _name, sql in triggers]
        else:
            # A table with checks still waiting for the commit cannot be altered: run them first.
            immediate = ["SET CONSTRAINTS ALL IMMEDIATE", "SET CONSTRAINTS ALL DEFERRED"]
            checked = immediate if connection.in_atomic_block else []
            off = checked + [f"ALTER TABLE {table} DISABLE TRIGGER {quote(name)}" for table, name in triggers]
            on = checked + [f"ALTER TABLE {table} ENABLE TRIGGER {quote(name)}" for table, name in triggers]
        for sql in off:
            cursor.execute(sql)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for sql in on:
                cursor.execute(sql)


def flush(connection) -> None:
    """Move the stamps this transaction noted (PostgreSQL), so that its own reads see them."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SELECT ruche_stamps_apply()")
