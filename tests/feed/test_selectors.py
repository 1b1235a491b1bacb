import pytest

from ruche.accounts.services import user_follow
from ruche.feed.models import FeedEntry
from ruche.feed.selectors import PER_SOURCE_AT_MOST, _pulled_ids, home_feed
from ruche.posts.services import post_create, post_delete, reaction_set

pytestmark = pytest.mark.django_db


def all_pages(user, size: int) -> list[list[int]]:
    pages, before = [], None
    while True:
        page = home_feed(user, before=before, size=size)
        pages.append([p.pk for p in page])
        if page.next_cursor is None:
            return pages
        assert page.next_cursor == page.items[-1].pk
        before = page.next_cursor


@pytest.mark.parametrize(
    "large", [0, 1, 2], ids=["fanned-out", "fanned-out-and-pulled", "two-authors-pulled"]
)
def test_keyset_pages_have_no_duplicates_and_no_gaps(alice, bruno, make_user, settings, side_effects, large):
    chloe = make_user("Chloé", "Petit")
    user_follow(follower=alice, followed=bruno)
    user_follow(follower=alice, followed=chloe)
    if large:
        settings.FEED_LARGE_AUDIENCE = 2
        for i in range(2):
            fan = make_user("Fan", f"N{i}")
            for followed in [bruno, chloe][:large]:  # pulled: each one's newest posts, then the page's
                user_follow(follower=fan, followed=followed)
    expected = []
    with side_effects():
        for i in range(11):
            author = [bruno, chloe, alice][i % 3]
            expected.append(post_create(author=author, body=f"Message {i}").pk)
    expected.reverse()
    for pulled in [bruno, chloe][:large]:
        assert not FeedEntry.objects.filter(user=alice, post__author=pulled).exists()
    pages = all_pages(alice, size=3)
    assert [len(p) for p in pages] == [3, 3, 3, 2]
    assert [pk for page in pages for pk in page] == expected


@pytest.mark.parametrize("authors", [1, 3, PER_SOURCE_AT_MOST + 1])
def test_large_authors_read_on_their_own_ranges_or_at_once_give_the_same_posts(
    alice, make_user, settings, side_effects, authors
):
    settings.FEED_LARGE_AUDIENCE = 0  # every author followed is pulled when the feed is read
    people = [make_user("Auteur", f"N{i}") for i in range(authors)]
    with side_effects():
        for person in people:
            user_follow(follower=alice, followed=person)
        posts = [post_create(author=people[i % authors], body=f"Message {i}") for i in range(2 * authors + 3)]
    ids = [person.pk for person in people]
    newest_first = [(p.pk, p.author_id) for p in reversed(posts)]
    for before in (None, posts[authors].pk):
        expected = [row for row in newest_first if before is None or row[0] < before][:6]
        for per_author in (True, False):
            got = _pulled_ids(
                sources=ids,
                before=before,
                after=None,
                size=5,
                only="all",
                kind="author",
                per_source=per_author,
            )
            assert got == expected
    assert [p.pk for p in home_feed(alice, size=4)] == [pk for pk, _ in newest_first[:4]]


def test_page_size_comes_from_settings(alice, settings):
    settings.FEED_PAGE_SIZE = 2
    posts = [post_create(author=alice, body=f"M{i}") for i in range(3)]
    page = home_feed(alice)
    assert [p.pk for p in page] == [posts[2].pk, posts[1].pk]
    assert page.next_cursor == posts[1].pk
    assert [p.pk for p in home_feed(alice, before=page.next_cursor)] == [posts[0].pk]


def test_deleted_posts_disappear_from_feeds(alice, bruno, make_user, settings, side_effects):
    user_follow(follower=bruno, followed=alice)
    with side_effects():
        kept = post_create(author=alice, body="Reste")
        gone = post_create(author=alice, body="Disparaît")
    assert [p.pk for p in home_feed(bruno)] == [gone.pk, kept.pk]
    post_delete(post=gone, by=alice)  # even before the clean-up task has run
    assert [p.pk for p in home_feed(bruno)] == [kept.pk]
    with side_effects():
        post_delete(post=kept, by=alice)
    assert not FeedEntry.objects.filter(post=kept).exists()
    assert home_feed(bruno).items == []


def test_deleted_posts_of_large_audiences_disappear_too(alice, bruno, make_user, settings, side_effects):
    settings.FEED_LARGE_AUDIENCE = 1
    user_follow(follower=bruno, followed=alice)
    user_follow(follower=make_user("Fan", "Un"), followed=alice)
    with side_effects():
        kept = post_create(author=alice, body="Reste")
        gone = post_create(author=alice, body="Disparaît")
        post_delete(post=gone, by=alice)
    assert [p.pk for p in home_feed(bruno)] == [kept.pk]


def test_feed_posts_carry_replies_and_reactions(alice, bruno, side_effects):
    user_follow(follower=bruno, followed=alice)
    with side_effects():
        post = post_create(author=alice, body="Bonjour")
    replies = [post_create(author=bruno, body=f"R{i}", parent=post) for i in range(5)]
    reaction_set(post=post, user=bruno, kind="bravo")
    (item,) = home_feed(bruno)
    assert [r.pk for r in item.shown_replies] == [r.pk for r in replies[-3:]]
    assert item.more_replies == 2
    assert item.my_reaction == "bravo" and item.reaction_summary == [("👏", 1)]
    assert item.feed_reason == "follow"


def test_trimmed_history_is_pulled_when_the_reader_gets_there(alice, bruno, settings, side_effects):
    from ruche.accounts.services import user_follow
    from ruche.feed.selectors import home_feed
    from ruche.feed.services import feed_trim
    from ruche.posts.services import post_create

    settings.FEED_MAX_ENTRIES = 3
    with side_effects():
        user_follow(follower=bruno, followed=alice)
        posts = [post_create(author=alice, body=f"Post {n}") for n in range(7)]
    assert feed_trim(bruno.pk) == 4
    bruno.refresh_from_db()
    seen, cursor = [], None
    while True:
        page = home_feed(bruno, before=cursor, size=2)
        seen += [p.pk for p in page]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == [p.pk for p in reversed(posts)]


@pytest.mark.parametrize("tags", [1, 2, PER_SOURCE_AT_MOST + 1])
def test_large_hashtags_read_on_their_own_ranges_or_at_once_give_the_same_posts(
    alice, bruno, side_effects, tags
):
    """A tag's rows name replies, deleted, hidden and campaign posts too, and questions answered or
    not: read on the tag's own index range (a UNION of them on PostgreSQL, subqueries on SQLite) or by
    walking the posts, the same posts come."""
    from django.utils import timezone

    from ruche.posts.models import Hashtag, Post
    from ruche.qa.services import question_ask

    names = [f"tag{i}" for i in range(tags)]
    with side_effects():
        made = []
        for i in range(3 * tags + 4):
            body = f"Message {i} #{names[i % tags]} #{names[(i + 1) % tags]}"
            made.append(
                question_ask(author=bruno, body=body) if i % 4 == 1 else post_create(author=bruno, body=body)
            )
        post_create(author=alice, parent=made[1], body=f"Réponse #{names[0]}")  # answered, and a reply
        post_delete(post=made[2], by=bruno)
        Post.objects.filter(pk=made[3].pk).update(hidden_at=timezone.now())
    ids = list(Hashtag.objects.filter(key__in=names).values_list("pk", flat=True))
    assert len(ids) == tags
    alive = [p for p in made if p.pk not in (made[2].pk, made[3].pk)]
    seen = {only: set() for only in ("all", "questions", "unanswered", "answered")}
    for only in ("all", "questions", "unanswered", "answered"):
        for before, after in (
            (None, None),
            (made[-3].pk, None),
            (None, made[4].pk),
            (made[-2].pk, made[1].pk),
        ):
            results = {
                per_source: _pulled_ids(
                    sources=ids,
                    before=before,
                    after=after,
                    size=4,
                    only=only,
                    kind="hashtag",
                    per_source=per_source,
                )
                for per_source in (True, False)
            }
            assert results[True] == results[False], (only, before, after)
            seen[only] |= {pk for pk, _author in results[True]}
            if only == "all":
                expected = [
                    (p.pk, bruno.pk)
                    for p in reversed(alive)
                    if (before is None or p.pk < before) and (after is None or p.pk > after)
                ][:5]
                assert results[True] == expected
    assert made[1].pk in seen["answered"] and made[1].pk not in seen["unanswered"] and seen["unanswered"]
