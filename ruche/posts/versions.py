# Every statement is built from this file's constants, no input reaches them:
# ruff: noqa: S608
"""`Post.version`: a number that moves whenever anything a post's feed card shows changes.

A cache of drawn cards can then be keyed by (post id, created, version) and find its entry without
loading the post. The database keeps the number, with triggers, rather than the services: every write
path moves it (a service, a queryset `.update()`, another app's code, the admin, a migration, a
manual fix in psql) without each one having to remember, and without a query of Django's own.

What moves a post's version (what its card shows, in HTML, ruche/web/cards.py, and in JSON,
ruche/api/cards.py; tests/web/test_cards.py changes each and expects the next page to follow):
- a change of any of its own columns; a version only moves forward (a stale `save()` of an old
  version moves it one past the current one);
- a reaction, an attachment (holder_kind 'post'), a placement in a community or the post's question
  (`qa_question`: asked, answered, an answer accepted) added, changed or removed; a shown column of
  a community it is placed in, of its link preview, of its author or of its author's profile
  changed (a user's last_seen_at, written on every request, moves nothing);
- a reply inserted or deleted, or any move of a reply's version (its text, its reactions, files,
  author): a card shows its latest replies.

A change of the tables or shown columns named here needs a new migration calling `install()` again
(it drops and recreates everything); tests/posts/test_post_version.py fails until then. On SQLite,
Django rebuilds a table for most column changes (copy, drop, rename): the rebuilt table's triggers are
lost, and rebuilding posts_post or communities_placement fails ("error in trigger post_version_...:
no such table") while other triggers name them. Such a migration calls `uninstall()` first and
`install()` last (RunPython); the test checks every trigger is there after all migrations.
"""

POST_COLUMNS = (
    "author_id", "parent_id", "body", "body_html", "created", "edited_at", "deleted_at", "hidden_at",
    "hidden_by_id", "hidden_reason", "awaiting_approval", "reply_count", "reaction_count", "vote_count",
    "client_token", "campaign_id", "link_preview_id", "link_preview_hidden", "shared_post_id", "is_share",
    "share_count",
)  # fmt: skip  # every column but id and version (SQLite only: PostgreSQL compares whole rows)
USER_SHOWN = ("handle", "first_name", "last_name", "email", "is_active", "deactivated_at", "is_bot")
PROFILE_SHOWN = ("job_title", "photo")
COMMUNITY_SHOWN = ("name", "slug", "visibility")
PREVIEW_SHOWN = ("url", "status", "title", "description", "site_name", "image")


def _changed(columns, differ: str) -> str:
    return " OR ".join(f'NEW."{c}" {differ} OLD."{c}"' for c in columns)


# --- SQLite: triggers run with recursive_triggers off; each WHEN keeps a trigger's own version
# update from firing it (or the row's own trigger) again.
_BUMP = "UPDATE posts_post SET version = version + 1 WHERE id"


def _sqlite_child(name: str, table: str, post: str, when: str = "") -> list[str]:
    """Insert, update and delete triggers on a table whose rows point at a post (`post`: the column,
    `when`: which rows do, both written for a row named {row})."""

    def on(row: str) -> str:
        return f"({when.format(row=row)})" if when else "1"

    new, old = post.format(row="NEW"), post.format(row="OLD")
    return [
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {table} WHEN {on('NEW')} BEGIN {_BUMP} = {new}; END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE ON {table} WHEN {on('NEW')} OR {on('OLD')} "
        f"BEGIN {_BUMP} IN (CASE WHEN {on('NEW')} THEN {new} END, CASE WHEN {on('OLD')} THEN {old} END); END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {table} WHEN {on('OLD')} BEGIN {_BUMP} = {old}; END",
    ]


SQLITE = [
    # The row itself: the version is written by this trigger's own UPDATE, whose WHEN is then false.
    "CREATE TRIGGER post_version_self AFTER UPDATE ON posts_post "
    "WHEN NEW.version <= OLD.version AND (NEW.version < OLD.version OR "
    f"{_changed(POST_COLUMNS, 'IS NOT')}) "
    "BEGIN UPDATE posts_post SET version = OLD.version + 1 WHERE id = NEW.id; END",
    # A reply's version moved (by the trigger above or a child table's): its thread's card changed.
    "CREATE TRIGGER post_version_reply_update AFTER UPDATE ON posts_post "
    "WHEN NEW.version IS NOT OLD.version AND (NEW.parent_id IS NOT NULL OR OLD.parent_id IS NOT NULL) "
    f"BEGIN {_BUMP} IN (NEW.parent_id, OLD.parent_id); END",
    "CREATE TRIGGER post_version_reply_insert AFTER INSERT ON posts_post WHEN NEW.parent_id IS NOT NULL "
    f"BEGIN {_BUMP} = NEW.parent_id; END",
    "CREATE TRIGGER post_version_reply_delete AFTER DELETE ON posts_post WHEN OLD.parent_id IS NOT NULL "
    f"BEGIN {_BUMP} = OLD.parent_id; END",
    *_sqlite_child("post_version_reaction", "posts_reaction", "{row}.post_id"),
    *_sqlite_child("post_version_placement", "communities_placement", "{row}.post_id"),
    *_sqlite_child("post_version_question", "qa_question", "{row}.post_id"),
    *_sqlite_child(
        "post_version_attachment", "files_attachment", "{row}.holder_id", "{row}.holder_kind = 'post'"
    ),
    f"CREATE TRIGGER post_version_community AFTER UPDATE ON communities_community "
    f"WHEN {_changed(COMMUNITY_SHOWN, 'IS NOT')} BEGIN {_BUMP} IN "
    "(SELECT post_id FROM communities_placement WHERE community_id = NEW.id); END",
    f"CREATE TRIGGER post_version_author AFTER UPDATE ON accounts_user "
    f"WHEN {_changed(USER_SHOWN, 'IS NOT')} "
    "BEGIN UPDATE posts_post SET version = version + 1 WHERE author_id = NEW.id; END",
    f"CREATE TRIGGER post_version_profile_update AFTER UPDATE ON accounts_profile "
    f"WHEN {_changed(PROFILE_SHOWN, 'IS NOT')} "
    "BEGIN UPDATE posts_post SET version = version + 1 WHERE author_id = NEW.user_id; END",
    "CREATE TRIGGER post_version_profile_insert AFTER INSERT ON accounts_profile "
    "BEGIN UPDATE posts_post SET version = version + 1 WHERE author_id = NEW.user_id; END",
    "CREATE TRIGGER post_version_profile_delete AFTER DELETE ON accounts_profile "
    "BEGIN UPDATE posts_post SET version = version + 1 WHERE author_id = OLD.user_id; END",
    f"CREATE TRIGGER post_version_preview AFTER UPDATE ON links_linkpreview "
    f"WHEN {_changed(PREVIEW_SHOWN, 'IS NOT')} "
    "BEGIN UPDATE posts_post SET version = version + 1 WHERE link_preview_id = NEW.id; END",
]
SQLITE_TRIGGERS = [s.split()[2] for s in SQLITE]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]


# --- PostgreSQL: plpgsql functions; the row's own trigger compares whole rows, so a new column of
# posts_post is covered without a change here.
def _pg_function(name: str, body: str, declare: str = "") -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"{declare} BEGIN {body} END $$"
    )


def _pg_bump(ids: str) -> str:
    return f"UPDATE posts_post SET version = version + 1 WHERE id IN ({ids});"


_PG_FUNCTIONS = {
    "ruche_post_version_self": _pg_function(
        "ruche_post_version_self",
        "NEW.version := OLD.version; "
        "IF asked < OLD.version OR NEW IS DISTINCT FROM OLD THEN NEW.version := OLD.version + 1; "
        "ELSE NEW.version := asked; END IF; RETURN NEW;",  # `asked` > OLD: a bump from another trigger
        declare="DECLARE asked bigint := NEW.version;",
    ),
    "ruche_post_version_reply": _pg_function(
        "ruche_post_version_reply",
        f"IF TG_OP = 'INSERT' THEN {_pg_bump('NEW.parent_id')} "
        f"ELSIF TG_OP = 'DELETE' THEN {_pg_bump('OLD.parent_id')} "
        f"ELSE {_pg_bump('NEW.parent_id, OLD.parent_id')} END IF; RETURN NULL;",
    ),
    # Reactions, placements and questions: the rows' post_id.
    "ruche_post_version_by_post_id": _pg_function(
        "ruche_post_version_by_post_id",
        f"IF TG_OP = 'INSERT' THEN {_pg_bump('NEW.post_id')} "
        f"ELSIF TG_OP = 'DELETE' THEN {_pg_bump('OLD.post_id')} "
        f"ELSE {_pg_bump('NEW.post_id, OLD.post_id')} END IF; RETURN NULL;",
    ),
    "ruche_post_version_attachment": _pg_function(
        "ruche_post_version_attachment",
        "IF TG_OP <> 'DELETE' AND NEW.holder_kind = 'post' THEN "
        f"{_pg_bump('NEW.holder_id')} END IF; "
        "IF TG_OP <> 'INSERT' AND OLD.holder_kind = 'post' THEN "
        f"{_pg_bump('OLD.holder_id')} END IF; RETURN NULL;",
    ),
    "ruche_post_version_community": _pg_function(
        "ruche_post_version_community",
        _pg_bump("SELECT post_id FROM communities_placement WHERE community_id = NEW.id") + " RETURN NULL;",
    ),
    # The author's posts, found by `id` on accounts_user and by `user_id` on accounts_profile.
    "ruche_post_version_author": _pg_function(
        "ruche_post_version_author",
        "UPDATE posts_post SET version = version + 1 WHERE author_id = NEW.id; RETURN NULL;",
    ),
    "ruche_post_version_profile": _pg_function(
        "ruche_post_version_profile",
        "IF TG_OP = 'DELETE' THEN UPDATE posts_post SET version = version + 1 WHERE author_id = OLD.user_id; "
        "ELSE UPDATE posts_post SET version = version + 1 WHERE author_id = NEW.user_id; END IF; RETURN NULL;",
    ),
    "ruche_post_version_preview": _pg_function(
        "ruche_post_version_preview",
        "UPDATE posts_post SET version = version + 1 WHERE link_preview_id = NEW.id; RETURN NULL;",
    ),
}


def _pg_trigger(name: str, when: str, table: str, function: str, condition: str = "") -> str:
    condition = f"WHEN ({condition})" if condition else ""
    return f"CREATE TRIGGER {name} {when} ON {table} FOR EACH ROW {condition} EXECUTE FUNCTION {function}()"


POSTGRESQL = [
    *_PG_FUNCTIONS.values(),
    _pg_trigger("post_version_self", "BEFORE UPDATE", "posts_post", "ruche_post_version_self"),
    _pg_trigger(
        "post_version_reply_update",
        "AFTER UPDATE",
        "posts_post",
        "ruche_post_version_reply",
        "NEW.version IS DISTINCT FROM OLD.version AND (NEW.parent_id IS NOT NULL OR OLD.parent_id IS NOT NULL)",
    ),
    _pg_trigger(
        "post_version_reply_insert",
        "AFTER INSERT",
        "posts_post",
        "ruche_post_version_reply",
        "NEW.parent_id IS NOT NULL",
    ),
    _pg_trigger(
        "post_version_reply_delete",
        "AFTER DELETE",
        "posts_post",
        "ruche_post_version_reply",
        "OLD.parent_id IS NOT NULL",
    ),
    _pg_trigger(
        "post_version_reaction",
        "AFTER INSERT OR UPDATE OR DELETE",
        "posts_reaction",
        "ruche_post_version_by_post_id",
    ),
    _pg_trigger(
        "post_version_placement",
        "AFTER INSERT OR UPDATE OR DELETE",
        "communities_placement",
        "ruche_post_version_by_post_id",
    ),
    _pg_trigger(
        "post_version_question",
        "AFTER INSERT OR UPDATE OR DELETE",
        "qa_question",
        "ruche_post_version_by_post_id",
    ),
    _pg_trigger(
        "post_version_attachment",
        "AFTER INSERT OR UPDATE OR DELETE",
        "files_attachment",
        "ruche_post_version_attachment",
    ),
    _pg_trigger(
        "post_version_community",
        "AFTER UPDATE",
        "communities_community",
        "ruche_post_version_community",
        _changed(COMMUNITY_SHOWN, "IS DISTINCT FROM"),
    ),
    _pg_trigger(
        "post_version_author",
        "AFTER UPDATE",
        "accounts_user",
        "ruche_post_version_author",
        _changed(USER_SHOWN, "IS DISTINCT FROM"),
    ),
    _pg_trigger(
        "post_version_profile_update",
        "AFTER UPDATE",
        "accounts_profile",
        "ruche_post_version_profile",
        _changed(PROFILE_SHOWN, "IS DISTINCT FROM"),
    ),
    _pg_trigger(
        "post_version_profile_insert_delete",
        "AFTER INSERT OR DELETE",
        "accounts_profile",
        "ruche_post_version_profile",
    ),
    _pg_trigger(
        "post_version_preview",
        "AFTER UPDATE",
        "links_linkpreview",
        "ruche_post_version_preview",
        _changed(PREVIEW_SHOWN, "IS DISTINCT FROM"),
    ),
]
POSTGRESQL_TRIGGERS = [
    (s.split()[2], s.split(" ON ")[1].split()[0]) for s in POSTGRESQL if s.startswith("CREATE TRIGGER")
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in POSTGRESQL_TRIGGERS),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in _PG_FUNCTIONS),
]


def _statements(vendor: str) -> tuple[list[str], list[str]]:
    if vendor == "sqlite":
        return SQLITE_DROP, SQLITE
    if vendor == "postgresql":
        return POSTGRESQL_DROP, POSTGRESQL
    raise NotImplementedError(
        f"Post.version is kept by database triggers written for SQLite and PostgreSQL only, not {vendor!r}: "
        "write them for this database in ruche/posts/versions.py."
    )


def install(schema_editor) -> None:
    """(Re)create every trigger: drops the previous ones first, so a later migration may call it again."""
    drop, create = _statements(schema_editor.connection.vendor)
    for sql in [*drop, *create]:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor) -> None:
    drop, _create = _statements(schema_editor.connection.vendor)
    for sql in drop:
        schema_editor.execute(sql, params=None)
