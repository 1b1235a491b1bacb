import pytest
from django.http import Http404

from ruche.posts import selectors
from ruche.posts.services import post_create, post_delete, reaction_set

pytestmark = pytest.mark.django_db


def test_company_feed_newest_first_top_level_and_alive(alice, bruno):
    first = post_create(author=alice, body="Un")
    post_create(author=bruno, body="Réponse", parent=first)
    gone = post_create(author=bruno, body="Supprimé")
    last = post_create(author=bruno, body="Deux")
    post_delete(post=gone, by=bruno)
    assert [p.pk for p in selectors.company_feed(alice)] == [last.pk, first.pk]


def test_pages_follow_the_cursor(alice):
    posts = [post_create(author=alice, body=f"M{i}") for i in range(5)]
    page = selectors.company_feed(alice, size=2)
    assert [p.pk for p in page] == [posts[4].pk, posts[3].pk] and page.next_cursor == posts[3].pk
    page = selectors.company_feed(alice, before=page.next_cursor, size=2)
    assert [p.pk for p in page] == [posts[2].pk, posts[1].pk]
    page = selectors.company_feed(alice, before=page.next_cursor, size=2)
    assert [p.pk for p in page] == [posts[0].pk] and page.next_cursor is None


def test_hydrate_shows_the_latest_replies_and_the_viewers_reaction(alice, bruno, make_user):
    chloe = make_user("Chloé", "Petit")
    post = post_create(author=alice, body="Q")
    replies = [post_create(author=bruno, body=f"R{i}", parent=post) for i in range(5)]
    post_delete(post=replies[-1], by=bruno)
    reaction_set(post=post, user=bruno, kind="bravo")
    reaction_set(post=post, user=chloe, kind="bravo")
    reaction_set(post=post, user=alice, kind="like")
    reaction_set(post=replies[1], user=alice, kind="love")
    (item,) = selectors.company_feed(alice)
    assert [r.pk for r in item.shown_replies] == [replies[1].pk, replies[2].pk, replies[3].pk]
    assert item.more_replies == 1
    assert item.reaction_summary == [("👏", 2), ("👍", 1)]
    assert item.my_reaction == "like"
    assert item.shown_replies[0].my_reaction == "love"
    assert selectors.post_detail(alice, post.pk).shown_replies == replies[:4]


def test_detail_of_a_reply_is_its_post_and_deleted_is_404(alice, bruno):
    post = post_create(author=alice, body="Q")
    reply = post_create(author=bruno, body="R", parent=post)
    assert selectors.post_detail(alice, reply.pk).pk == post.pk
    post_delete(post=post, by=alice)
    with pytest.raises(Http404):
        selectors.post_detail(alice, post.pk)
    with pytest.raises(Http404):
        selectors.post_detail(alice, reply.pk)
    with pytest.raises(Http404):
        selectors.post_detail(alice, 999_999)


def test_tag_and_author_feeds(alice, bruno):
    tagged = post_create(author=alice, body="#lean")
    other = post_create(author=bruno, body="#Lean aussi")
    post_create(author=bruno, body="Sans tag")
    tag = selectors.access_hashtag(alice, "lean")
    assert [p.pk for p in selectors.tag_feed(alice, tag)] == [other.pk, tagged.pk]
    assert [p.pk for p in selectors.author_feed(bruno, alice)] == [tagged.pk]


def test_former_colleague_sees_nothing(alice, bruno, admin):
    from ruche.accounts.services import user_deactivate

    post_create(author=alice, body="Interne")
    user_deactivate(user=bruno, by=admin)
    bruno.refresh_from_db()
    assert selectors.company_feed(bruno).items == []
