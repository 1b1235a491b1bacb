"""The two index implementations behind one interface. Nothing here knows who is looking:
`candidates` returns ids and scores, and the selectors narrow them with the apps' policies.

SQLite: one FTS5 table per kind, `search_<kind>(title, body)`, rowid = the object's id, tokenizer
`unicode61 remove_diacritics 2` (accents and case folded, no stemming), prefix indexes for
autocomplete. The table keeps its own copy of the text (simple and portable; a contentless table
would halve the size on SQLite >= 3.43).

PostgreSQL: one table `search_document(kind, object_id, document tsvector)`. The document joins the
`french` and `english` analyses of the unaccented text (title weighted A, body B), so that French
and English words are both stemmed; the query is the OR of the two analyses of the user's words.
A GIN index per kind (partial) keeps one kind's matches apart from the others'.

SQL here is assembled from table names derived from the `Kind` enum and fixed fragments (the
selectors' filters are fixed SQL too); what a person typed only ever travels as a parameter.
"""

from collections.abc import Iterable, Sequence

from django.db import connection

from ruche.search.documents import RECENT_FIRST, SOURCES, Document, Kind
from ruche.search.query import Terms

TITLE_WEIGHT = 10.0  # SQLite bm25 column weight; PostgreSQL uses setweight A (1.0) vs B (0.4)


class Candidates(list):
    """[(object id, score)], best first or most recent first; higher score = more relevant."""


class SqliteIndex:
    vendor = "sqlite"

    @staticmethod
    def table(kind: str) -> str:
        return f"search_{Kind(kind).value}"

    def create_kind(self, cursor, kind: str) -> None:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {self.table(kind)} USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')"
        )

    def drop_kind(self, cursor, kind: str) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {self.table(kind)}")

    def delete(self, kind: str, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = list(ids[start : start + 500])
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {self.table(kind)} WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def insert(self, kind: str, documents: Iterable[Document]) -> int:
        rows = [(d.object_id, d.title, d.body) for d in documents]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {self.table(kind)} (rowid, title, body) VALUES (%s, %s, %s)",  # noqa: S608
                    rows,
                )
        return len(rows)

    def clear(self, kind: str) -> None:
        """Empty before a rebuild: a fresh table is much faster than deleting a million rows."""
        with connection.cursor() as cursor:
            self.drop_kind(cursor, kind)
            self.create_kind(cursor, kind)

    def optimize(self, kind: str) -> None:
        table = self.table(kind)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # noqa: S608

    @staticmethod
    def match(terms: Terms, *, title_only: bool = False) -> str:
        quoted = ['"' + word.replace('"', '""') + '"' for word in terms.words]
        if terms.prefix_last:
            quoted[-1] += "*"
        expression = " ".join(quoted)
        return f"{{title}} : ({expression})" if title_only else expression

    def candidates(self, kind, terms, *, join="", where=(), params=(), recent=None, limit, title_only=False):
        table = self.table(kind)
        recent = kind in RECENT_FIRST if recent is None else recent
        order = f"{table}.rowid DESC" if recent else "score DESC"
        join = join.format(id=f"{table}.rowid", source=SOURCES[kind])
        conditions = " ".join(f"AND ({w})" for w in where)
        sql = (
            f"SELECT {table}.rowid, -bm25({table}, {TITLE_WEIGHT}, 1.0) AS score FROM {table} {join} "  # noqa: S608
            f"WHERE {table} MATCH %s {conditions} ORDER BY {order} LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.match(terms, title_only=title_only), *params, limit])
            return Candidates(cursor.fetchall())


# IMMUTABLE so that the planner folds the query's tsquery into a constant (and an index could use it).
PG_SETUP = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION ruche_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
CREATE TABLE IF NOT EXISTS search_document (
    kind varchar(16) NOT NULL,
    object_id bigint NOT NULL,
    document tsvector NOT NULL,
    PRIMARY KEY (kind, object_id)
);
"""

PG_DOCUMENT = (
    "setweight(to_tsvector('french'::regconfig, ruche_unaccent(%s)), 'A') || "
    "setweight(to_tsvector('english'::regconfig, ruche_unaccent(%s)), 'A') || "
    "setweight(to_tsvector('french'::regconfig, ruche_unaccent(%s)), 'B') || "
    "setweight(to_tsvector('english'::regconfig, ruche_unaccent(%s)), 'B')"
)
PG_QUERY = (
    "(to_tsquery('french'::regconfig, ruche_unaccent(%s)) || "
    "to_tsquery('english'::regconfig, ruche_unaccent(%s)))"
)


class PostgresIndex:
    vendor = "postgresql"

    def create_kind(self, cursor, kind: str) -> None:
        kind = Kind(kind).value
        cursor.execute(PG_SETUP)
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS search_document_{kind}_gin ON search_document "
            f"USING gin (document) WHERE kind = '{kind}'"
        )

    def drop_kind(self, cursor, kind: str) -> None:
        cursor.execute(f"DROP INDEX IF EXISTS search_document_{Kind(kind).value}_gin")
        cursor.execute("DELETE FROM search_document WHERE kind = %s", [kind])

    def delete(self, kind: str, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM search_document WHERE kind = %s AND object_id = ANY(%s)", [kind, list(ids)]
            )

    def insert(self, kind: str, documents: Iterable[Document]) -> int:
        rows = [(kind, d.object_id, d.title, d.title, d.body, d.body) for d in documents]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO search_document (kind, object_id, document) VALUES (%s, %s, {PG_DOCUMENT}) "  # noqa: S608
                    "ON CONFLICT (kind, object_id) DO UPDATE SET document = EXCLUDED.document",
                    rows,
                )
        return len(rows)

    def clear(self, kind: str) -> None:
        """Empty before a rebuild, and drop the kind's GIN index: building it once at the end
        (optimize) is much faster than updating it a million times."""
        with connection.cursor() as cursor:
            self.drop_kind(cursor, kind)

    def optimize(self, kind: str) -> None:
        with connection.cursor() as cursor:
            self.create_kind(cursor, kind)
            cursor.execute("ANALYZE search_document")

    @staticmethod
    def tsquery(terms: Terms, *, title_only: bool = False) -> str:
        weight = "A" if title_only else ""
        parts = [f"{word}:{weight}" if weight else word for word in terms.words]
        if terms.prefix_last:
            parts[-1] = f"{terms.words[-1]}:*{weight}"
        return " & ".join(parts)  # words are letters and digits only (query.WORD_RE)

    def candidates(self, kind, terms, *, join="", where=(), params=(), recent=None, limit, title_only=False):
        recent = kind in RECENT_FIRST if recent is None else recent
        text = self.tsquery(terms, title_only=title_only)
        join = join.format(id="d.object_id", source=SOURCES[kind])
        conditions = " ".join(f"AND ({w})" for w in where)
        matching = (
            f"FROM search_document d {join} WHERE d.kind = %s AND d.document @@ {PG_QUERY} {conditions}"
        )
        if recent:  # rank only the window of the most recent matches
            sql = (
                f"SELECT c.object_id, ts_rank(c.document, {PG_QUERY}) FROM ("  # noqa: S608
                f"SELECT d.object_id, d.document {matching} ORDER BY d.object_id DESC LIMIT %s) c "
                "ORDER BY c.object_id DESC"
            )
            args = [text, text, kind, text, text, *params, limit]
        else:
            sql = f"SELECT d.object_id, ts_rank(d.document, {PG_QUERY}) AS score {matching} "
            sql += "ORDER BY score DESC, d.object_id DESC LIMIT %s"
            args = [text, text, kind, text, text, *params, limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, args)
            return Candidates(cursor.fetchall())


def index():
    return PostgresIndex() if connection.vendor == "postgresql" else SqliteIndex()
