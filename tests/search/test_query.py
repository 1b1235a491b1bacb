import pytest

from ruche.search.backends import PostgresIndex, SqliteIndex
from ruche.search.highlight import highlight
from ruche.search.query import MAX_TERMS, QueryError, parse


def test_words_are_folded_and_operators_dropped():
    assert parse("Réseau SOCIAL").words == ("reseau", "social")
    assert parse('"qualité" AND (sécurité OR *) NEAR/3 -x').words == (
        "qualite", "and", "securite", "or", "near", "3", "x",
    )  # fmt: skip
    assert parse("a a a").words == ("a",)
    assert len(parse(" ".join(f"w{i}" for i in range(50))).words) == MAX_TERMS


@pytest.mark.parametrize("raw", ["", "   ", '"', "*", "()", "--", ";'", None])
def test_nothing_to_search_is_a_clear_message(raw):
    with pytest.raises(QueryError, match="Type a word"):
        parse(raw)


def test_too_long_is_a_clear_message():
    with pytest.raises(QueryError, match="too long"):
        parse("x" * 10_000)


def test_backend_queries_are_built_from_words_only():
    terms = parse('sécurité" OR 1=1; DROP TABLE x --')
    assert SqliteIndex.match(terms) == '"securite" "or" "1" "drop" "table" "x"*'
    assert PostgresIndex.tsquery(terms) == "securite & or & 1 & drop & table & x:*"
    assert SqliteIndex.match(parse("élo"), title_only=True) == '{title} : ("elo"*)'
    assert PostgresIndex.tsquery(parse("élo"), title_only=True) == "elo:*A"


def test_highlight_escapes_then_marks():
    html = highlight("<b>Réseau</b> & réseaux <script>", ["reseaux"])
    assert html == "&lt;b&gt;<mark>Réseau</mark>&lt;/b&gt; &amp; <mark>réseaux</mark> &lt;script&gt;"
    assert highlight("pas de correspondance", ["xyz"]) == "pas de correspondance"
    assert "<mark>" not in highlight("<mark>x</mark>", ["mark"]).replace("<mark>mark</mark>", "")


def test_highlight_cuts_around_the_first_match():
    text = "début " + "bla " * 200 + "Qualité au milieu " + "bla " * 200
    html = highlight(text, ["qualite"], length=80)
    assert html.startswith("…") and html.endswith("…") and "<mark>Qualité</mark>" in html
    assert len(html) < 140
