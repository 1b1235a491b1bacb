"""A prepared query gives what its queryset gives, for every value, compiled once per shape."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models.expressions import RawSQL
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ruche.accounts.models import Follow, User
from ruche.core.prepared import prepared
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db


def _posts_after(viewer, before, limit: int):
    """The viewer's visible posts, with their authors: the kind of query the feed prepares."""
    posts = visible_posts(viewer, Post.objects.select_related("author", "author__profile"))
    if before is not None:
        posts = posts.filter(pk__lt=before)
    return posts.order_by("-id")[:limit]


builds = []


@prepared("viewer", "before")
def posts_after(viewer, before, limit: int):
    builds.append((viewer.pk, before, limit))
    return _posts_after(viewer, before, limit)


@pytest.fixture
def posts(alice, bruno):
    made = [post_create(author=person, body=f"Message {i}") for i in range(3) for person in (alice, bruno)]
    return made


def test_same_rows_as_the_queryset_for_each_value(alice, bruno, posts):
    for viewer in (alice, bruno):
        for before in (None, posts[-1].pk, posts[2].pk):
            for limit in (1, 4):
                expected = list(_posts_after(viewer, before, limit))
                got = posts_after(viewer=viewer, before=before, limit=limit)
                assert [(p.pk, p.body, p.created) for p in got] == [
                    (p.pk, p.body, p.created) for p in expected
                ]


def test_compiled_once_per_shape_and_related_objects_come_loaded(alice, bruno, posts):
    builds.clear()
    posts_after(viewer=alice, before=None, limit=3)
    posts_after(viewer=bruno, before=None, limit=3)  # another person: the same SQL
    posts_after(viewer=alice, before=posts[-1].pk, limit=3)  # a cursor: another shape
    posts_after(viewer=bruno, before=posts[-2].pk, limit=3)
    assert len(builds) == 4  # each shape compiled twice, with other placeholders (see below)
    assert all(pk < 0 for pk, _, _ in builds), "built with placeholders, never with someone's id"
    with CaptureQueriesContext(connection) as queries:
        got = posts_after(viewer=alice, before=None, limit=3)
        names = [p.author.profile.user_id for p in got]
    assert len(queries) == 1 and names


def test_flags_of_the_person_are_shape(alice, posts):
    """visible_posts shows nothing to someone deactivated: that must not be cached for the active."""
    gone = User.objects.create_user("gone@example.com", is_active=False)
    assert posts_after(viewer=gone, before=None, limit=5) == []
    assert len(posts_after(viewer=alice, before=None, limit=5)) == 5
    assert posts_after(viewer=AnonymousUser(), before=None, limit=5) == []


@prepared("ids")
def followers_of(ids):
    return (
        Follow.objects.filter(followed_id__in=ids)
        .order_by("follower_id")
        .values_list("follower_id", flat=True)
    )


def test_lists_take_their_length_as_shape_and_an_empty_one_matches_nothing(alice, bruno, make_user):
    carla = make_user("Carla", "Petit")
    Follow.objects.create(follower=alice, followed=bruno)
    Follow.objects.create(follower=carla, followed=alice)
    assert followers_of(ids=[bruno.pk]) == [alice.pk]
    assert followers_of(ids=[alice.pk, bruno.pk]) == sorted([alice.pk, carla.pk])
    assert followers_of(ids=[carla.pk, bruno.pk]) == [alice.pk]
    assert followers_of(ids=[]) == []
    # Three ids are padded to four: one query for sets of three and four, the same answers.
    assert followers_of(ids=[carla.pk, bruno.pk, carla.pk + 1000]) == [alice.pk]
    assert followers_of(ids=[carla.pk, bruno.pk, alice.pk, alice.pk]) == sorted([alice.pk, carla.pk])
    sizes = sorted(dict(shape)["ids"][1] for _, _, shape in followers_of.compiled)
    assert sizes == [0, 1, 2, 4]


@prepared("since")
def posts_since(since):
    return Post.objects.filter(created__gte=since).order_by("id").values("id", "body")


def test_a_moment_is_a_value(alice, posts):
    now = timezone.now()
    assert len(posts_since(since=now - timedelta(hours=1))) == len(posts)
    assert posts_since(since=now + timedelta(hours=1)) == []
    Post.objects.filter(pk=posts[0].pk).update(created=now - timedelta(days=3))
    assert [row["id"] for row in posts_since(since=now - timedelta(days=4))][0] == posts[0].pk
    assert posts[0].pk not in [row["id"] for row in posts_since(since=now - timedelta(days=1))]


def test_a_value_django_transforms_is_refused_at_once(alice):
    @prepared("number")
    def posts_quoting(number):
        return Post.objects.filter(body__contains=number)  # becomes a LIKE pattern, '%…%'

    with pytest.raises(ValueError, match="no SQL parameter carries"):
        posts_quoting(number=2026)
    with pytest.raises(TypeError, match="needs number"):
        posts_quoting()


@prepared("handle")
def people_named(handle):
    return User.objects.filter(handle=handle).values_list("pk", flat=True)


def test_a_string_is_a_value_compared_as_it_is(alice, bruno):
    assert people_named(handle=alice.handle) == [alice.pk]
    assert people_named(handle=bruno.handle) == [bruno.pk]
    assert people_named(handle="%") == []  # a value, never a pattern
    assert people_named(handle=alice.handle.upper()) == []


@pytest.mark.parametrize("lookup", ["contains", "startswith", "icontains", "endswith"])
def test_a_string_django_turns_into_a_pattern_is_refused(alice, lookup):
    """(A lookup that passes the value as it is, `regex` say, is prepared and runs right.)"""

    @prepared("text")
    def people_like(text):
        return User.objects.filter(**{f"handle__{lookup}": text})

    with pytest.raises(ValueError, match="no SQL parameter carries"):
        people_like(text=alice.handle)


def test_sql_for_a_subquery(alice, bruno, posts):
    @prepared("viewer")
    def own_ids(viewer):
        return Post.objects.filter(author=viewer).values("pk")

    sql, params = own_ids.sql(viewer=bruno)
    got = Post.objects.filter(pk__in=RawSQL(sql, params)).order_by("pk")  # noqa: S611
    assert list(got) == [p for p in posts if p.author_id == bruno.pk]


def test_sql_of_a_query_that_matches_nothing_selects_nothing(alice, posts):
    @prepared("viewer")
    def readable_ids(viewer):
        return visible_posts(viewer, Post.objects.all()).values("pk")

    sql, params = readable_ids.sql(viewer=AnonymousUser())
    assert not Post.objects.filter(pk__in=RawSQL(sql, params)).exists()  # noqa: S611
    sql, params = readable_ids.sql(viewer=alice)
    assert Post.objects.filter(pk__in=RawSQL(sql, params)).count() == len(posts)  # noqa: S611


class TestWhatCannotBePreparedIsRefusedWhenCompiled:
    """Each of these would run with the placeholder's value instead of the caller's: wrong rows,
    silently. They must fail loudly the first time they are compiled."""

    def test_arithmetic_on_a_value(self, alice, posts):
        @prepared("before")
        def older_than(before):
            return Post.objects.filter(pk__lt=before - 1)

        with pytest.raises(ValueError, match="changes with more than its values"):
            older_than(before=posts[-1].pk)

    def test_arithmetic_on_a_moment(self, alice, posts):
        @prepared("now")
        def last_month(now):
            return Post.objects.filter(created__gte=now - timedelta(days=28))

        with pytest.raises(ValueError, match="changes with more than its values"):
            last_month(now=timezone.now())

    @pytest.mark.parametrize("reads", ["is_superuser", "last_seen_at", "feed_built_at"])
    def test_a_decision_on_a_field_the_stand_in_does_not_carry(self, alice, posts, reads):
        @prepared("viewer")
        def depends_on(viewer):
            if getattr(viewer, reads):  # decided in Python: the stand-in's answer would be cached
                return Post.objects.all()
            return Post.objects.filter(author=viewer)

        with pytest.raises(ValueError, match="changes with more than its values"):
            depends_on(viewer=alice)

    @pytest.mark.parametrize("field", ["language", "date_joined", "last_seen_at"])
    def test_a_field_used_as_a_parameter(self, alice, posts, field):
        @prepared("viewer")
        def alike(viewer):
            return User.objects.filter(**{field: getattr(viewer, field)})

        with pytest.raises(ValueError, match="changes with more than its values"):
            alike(viewer=alice)

    def test_prefetch_related(self, alice, posts):
        @prepared("viewer")
        def with_reactions(viewer):
            return Post.objects.filter(author=viewer).prefetch_related("reactions")

        with pytest.raises(ValueError, match="prefetch_related"):
            with_reactions(viewer=alice)

    def test_what_the_stand_in_carries_is_accepted(self, alice, posts):
        @prepared("viewer")
        def own(viewer):
            staff = Post.objects.all() if viewer.is_staff and viewer.is_active else None
            return staff if staff is not None else Post.objects.filter(author_id=viewer.pk).order_by("pk")

        assert [p.pk for p in own(viewer=alice)] == [p.pk for p in posts if p.author_id == alice.pk]
