"""The Status serializer: only what the viewer may read, in a constant number of queries."""

import pytest
from django.test import RequestFactory

from ruche.communities.models import Community
from ruche.mastodon import serializers
from ruche.posts.models import Post, Reaction
from ruche.posts.selectors import CARD_RELATED
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db


def test_statuses_leave_out_a_private_communitys_post_for_an_outsider(
    alice, bruno, chloe, make_community, django_assert_max_num_queries
):
    private = make_community(
        "Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=alice, members=[chloe]
    )
    public = post_create(author=alice, body="Hello company")
    secret = post_create(author=alice, body="Members only", communities=[private])
    request = RequestFactory().get("/")
    posts = list(
        Post.objects.select_related(*CARD_RELATED).filter(pk__in=[public.pk, secret.pk]).order_by("-pk")
    )
    with django_assert_max_num_queries(20):
        shown = serializers.statuses(posts, viewer=bruno, request=request)
    assert [s["id"] for s in shown] == [str(public.pk)]
    assert shown[0]["visibility"] == "public" and "Hello company" in shown[0]["content"]
    assert shown[0]["account"]["username"] == alice.handle
    for_member = serializers.statuses(
        list(Post.objects.select_related(*CARD_RELATED).filter(pk=secret.pk)), viewer=chloe, request=request
    )
    assert for_member[0]["visibility"] == "private" and for_member[0]["id"] == str(secret.pk)


def test_statuses_cost_the_same_queries_for_one_post_or_many(alice, bruno, chloe):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ruche.posts.services import reaction_set

    request = RequestFactory().get("/")
    made = [
        post_create(author=author, body=f"Post {n}") for n, author in enumerate([alice, bruno, chloe] * 2)
    ]
    reaction_set(post=made[0], user=bruno, kind=next(iter(Reaction.EMOJI)))

    def cost(ids):
        posts = list(Post.objects.select_related(*CARD_RELATED).filter(pk__in=ids).order_by("-pk"))
        with CaptureQueriesContext(connection) as queries:
            shown = serializers.statuses(posts, viewer=bruno, request=request)
        return len(queries), shown

    one, _shown = cost([made[0].pk])
    many, shown = cost([p.pk for p in made])
    assert one == many and len(shown) == 6
    assert shown[-1]["favourited"] is True and shown[-1]["favourites_count"] == 1
    assert shown[0]["favourited"] is False


def test_mentions_tags_and_reblogged_cost_the_same_for_one_post_or_twenty(alice, bruno, chloe):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ruche.posts.services import post_share

    request = RequestFactory().get("/")
    made = [
        post_create(author=alice, body=f"#Tag{n} pour @{bruno.handle} et @{chloe.handle}") for n in range(20)
    ]
    post_share(author=bruno, original=made[0], body="")

    def cost(ids):
        posts = list(Post.objects.select_related(*CARD_RELATED).filter(pk__in=ids).order_by("-pk"))
        with CaptureQueriesContext(connection) as queries:
            shown = serializers.statuses(posts, viewer=bruno, request=request)
        return len(queries), shown

    one, first = cost([made[0].pk])
    many, shown = cost([p.pk for p in made])
    assert one == many and len(shown) == 20
    assert sorted(m["acct"] for m in first[0]["mentions"]) == sorted([bruno.handle, chloe.handle])
    assert first[0]["tags"] == [{"name": "Tag0", "url": "http://testserver/tags/tag0/"}]
    assert first[0]["reblogged"] is True and shown[0]["reblogged"] is False
