"""The "most relevant" order on hand-built candidates (no database): which post comes first, and why.

With the default WEIGHTS a score is
    3 × ln(1 + affinity) + 1 × ln(1 + community affinity)
    + 1.5 × ln(1 + reactions + 2 × replies) × decay + 4 × decay + 8 if must-read,
where decay = 0.5 ** (age in hours / 24). The figures in the comments below are those scores.
"""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from ruche.feed.relevance import WEIGHTS, Candidate, Weights, Why, explain, rank, score

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def post(pk: int, author: int, hours: float, **facts) -> Candidate:
    return Candidate(id=pk, author_id=author, created=NOW - timedelta(hours=hours), **facts)


def order(candidates: list[Candidate]) -> list[int]:
    return [c.id for c in rank(candidates, NOW)]


def longest_run(ranked: list[Candidate]) -> int:
    return max(len(list(run)) for _, run in itertools.groupby(c.author_id for c in ranked))


def test_a_mention_beats_a_fresher_post():
    # Mentioned 10 h ago: 4 × 0.75 + 8 = 11.0; a brand new post with 3 reactions: 1.5 × ln 4 + 4 = 6.1.
    mention = post(1, author=2, hours=10, mentions_me=True)
    fresh = post(2, author=3, hours=0, reactions=3)
    assert order([fresh, mention]) == [1, 2]
    # Being asked as an expert, or an answer to my question, weighs the same.
    for facts in ({"asked_me": True}, {"answered_by": "Bruno Lefèvre"}):
        assert order([fresh, post(1, author=2, hours=10, **facts)]) == [1, 2]


def test_affinity_with_an_author_lifts_an_older_post():
    # Two days old, 4 interactions with its author: 3 × ln 5 + 4 × 0.25 = 5.8; one hour old: 4 × 0.97 = 3.9.
    known = post(1, author=2, hours=48, affinity=4)
    fresh = post(2, author=3, hours=1)
    assert order([fresh, known]) == [1, 2]
    # Without the affinity, the fresher post comes first.
    assert order([fresh, post(1, author=2, hours=48)]) == [2, 1]
    # Community affinity counts too, with a lower weight: 1 × ln 21 + 1 = 4.0 > 3.9.
    assert order([fresh, post(1, author=2, hours=48, community_affinity=20)]) == [1, 2]


def test_engagement_decays_with_age():
    # Same counts (5 reactions, 2 replies: 1.5 × ln 10 = 3.45 at full strength): 2 h old keeps 94 %
    # of it, 30 h old 42 %. The older post has the higher id: the score, not the tie-break, decides.
    newer = post(1, author=2, hours=2, reactions=5, replies=2)
    older = post(2, author=3, hours=30, reactions=5, replies=2)
    assert score(newer, NOW) > score(older, NOW)
    assert order([older, newer]) == [1, 2]
    # Engagement itself decays, not only freshness: the gap is wider than without reactions.
    bare_gap = score(post(1, 2, 2), NOW) - score(post(2, 3, 30), NOW)
    assert score(newer, NOW) - score(older, NOW) > bare_gap
    # A reply counts double a reaction.
    assert score(post(3, 2, 5, replies=2), NOW) == score(post(4, 2, 5, reactions=4), NOW)


def test_a_future_date_counts_as_brand_new():
    # A clock a little ahead on a server must not give a post more than full freshness.
    assert score(post(1, 2, hours=-3), NOW) == score(post(1, 2, hours=0), NOW) == WEIGHTS.freshness


def test_ties_go_to_the_newer_post():
    same = [post(pk, author=pk, hours=5, reactions=2) for pk in (4, 9, 7)]
    assert order(same) == [9, 7, 4]


def test_diversity_interleaves_a_dominant_authors_posts():
    # Five posts by author 1 (20 interactions with them: 12.6 to 13.0) and five by others (3.4 to 3.8).
    # A post loses half its score per post of its author among the last three placed: author 1's third
    # post in a row would weigh 13 × 0.25 = 3.2, below the others', so two of theirs never run to three.
    mine = [post(100 + i, author=1, hours=1 + i, affinity=20) for i in range(5)]
    others = [post(10 + i, author=2 + i, hours=2 + i) for i in range(5)]
    ranked = rank(mine + others, NOW)
    assert [c.id for c in ranked] == [100, 101, 10, 11, 102, 103, 12, 13, 104, 14]
    assert longest_run(ranked) == 2


def test_diversity_with_a_smaller_lead_alternates_more():
    # Author 1's posts at 6.8 to 7.2 (2 interactions): the second in a row would weigh 3.6 or less,
    # below the others' first ones (3.8, 3.7), so they wait for two other posts in between.
    mine = [post(100 + i, author=1, hours=1 + i, affinity=2) for i in range(5)]
    others = [post(10 + i, author=2 + i, hours=2 + i) for i in range(5)]
    assert order(mine + others) == [100, 10, 11, 12, 101, 102, 13, 14, 103, 104]


def test_diversity_is_a_penalty_not_a_rule():
    # What the code guarantees is a penalty, not a cap: an author whose posts score more than eight
    # times the others' (0.5 ** 3 at most) fills the top of the feed.
    mine = [post(100 + i, author=1, hours=1 + i, affinity=1000, mentions_me=True) for i in range(5)]
    others = [post(10 + i, author=2 + i, hours=200) for i in range(3)]
    ranked = rank(mine + others, NOW)
    assert [c.id for c in ranked] == [100, 101, 102, 103, 104, 12, 11, 10]
    # Alone, one author's posts keep their own order.
    assert order(mine) == [100, 101, 102, 103, 104]


def test_no_diversity_weight_ranks_by_score_alone():
    flat = Weights(diversity=1.0)
    mine = [post(100 + i, author=1, hours=1 + i, affinity=20) for i in range(3)]
    others = [post(10 + i, author=2 + i, hours=2 + i) for i in range(2)]
    assert [c.id for c in rank(mine + others, NOW, flat)] == [100, 101, 102, 10, 11]


def test_rank_keeps_every_candidate_once():
    candidates = [post(pk, author=pk % 3, hours=pk, reactions=pk % 4) for pk in range(1, 30)]
    assert sorted(order(candidates)) == list(range(1, 30))
    assert rank([], NOW) == []


EVERYTHING = {
    "mentions_me": True,
    "asked_me": True,
    "answered_by": "Bruno Lefèvre",
    "own": True,
    "follows_author": True,
    "followed_tags": ["qualite"],
    "shown_in": "Atelier",
    "reactions": 5,
    "communities": [(7, "Atelier")],
    "affinity": 3,
}
# Each reason, and the fact that gives it: dropped one by one, the next reason shows.
PRIORITY = [
    ("mention", "mentions_me", ""),
    ("asked", "asked_me", ""),
    ("answered", "answered_by", "Bruno Lefèvre"),
    ("own", "own", ""),
    ("follow", "follows_author", "Chloé Petit"),
    ("hashtag", "followed_tags", "qualite"),
    ("popular", "reactions", "Atelier"),
    ("community", "communities", "Atelier"),
    ("affinity", "affinity", "Chloé Petit"),
]


def test_explain_gives_the_strongest_reason_first():
    facts = dict(EVERYTHING)
    for kind, fact, name in PRIORITY:
        why = explain(post(1, author=2, hours=1, author_name="Chloé Petit", **facts))
        assert (why.kind, why.name) == (kind, name), fact
        facts.pop(fact)
    nothing = explain(post(1, author=2, hours=1, author_name="Chloé Petit", **facts))
    assert nothing == Why("") and not nothing and str(nothing) == ""


def test_popular_needs_enough_reactions_and_replies():
    base = {"shown_in": "Atelier", "communities": [(7, "Atelier")]}
    assert explain(post(1, 2, 1, reactions=3, replies=2, **base)) == Why("popular", "Atelier")
    assert explain(post(1, 2, 1, reactions=3, replies=1, **base)) == Why("community", "Atelier")
    # Popular in a community the card names, even one the reader is not in.
    assert explain(post(1, 2, 1, reactions=9, shown_in="Atelier")) == Why("popular", "Atelier")


ENGLISH = [
    (Why("mention"), "You are mentioned"),
    (Why("asked"), "A question for you, as an expert"),
    (Why("answered", "Bruno Lefèvre"), "Bruno Lefèvre answered your question"),
    (Why("own"), "Your post"),
    (Why("follow", "Bruno Lefèvre"), "Because you follow Bruno Lefèvre"),
    (Why("hashtag", "qualite"), "Because you follow #qualite"),
    (Why("popular", "Atelier"), "Popular in Atelier"),
    (Why("community", "Atelier"), "In Atelier, one of your communities"),
    (Why("affinity", "Bruno Lefèvre"), "You often interact with Bruno Lefèvre"),
    (Why("unknown", "x"), ""),
]


@pytest.mark.parametrize(("why", "text"), ENGLISH, ids=[w.kind for w, _ in ENGLISH])
def test_why_texts_in_english(why, text):
    with translation.override("en"):
        assert str(why) == text


@pytest.mark.parametrize(("why", "text"), ENGLISH[:-1], ids=[w.kind for w, _ in ENGLISH[:-1]])
def test_why_texts_in_french_once_translated(why, text):
    with translation.override("fr"):
        french = str(why)
    if french == text:
        pytest.skip("not translated into French yet")
    assert french and why.name in french
