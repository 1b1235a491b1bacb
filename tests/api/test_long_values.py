"""A value longer than its column holds is refused naming the field, never cut or stored (SQLite would
keep it whole, PostgreSQL would fail with a 500)."""

import pytest
from django.core.exceptions import ValidationError

from ruche.communities.models import Community
from ruche.core.text import HASHTAG_MAX_LENGTH
from ruche.posts.models import Hashtag, Post
from tests.rows import table_rows

pytestmark = pytest.mark.django_db

LONG_TAGS = [
    pytest.param("#" + "a" * (HASHTAG_MAX_LENGTH + 1), id="one-too-many"),
    pytest.param("#" + "q" * 300, id="very-long"),
    pytest.param("#" + "ﬁ" * 30, id="folds-longer"),  # 30 characters, 60 once folded ("fi")
    pytest.param("Voir #" + "x" * 60 + " et #court", id="among-others"),
]


@pytest.mark.parametrize("body", LONG_TAGS)
def test_a_post_with_a_too_long_hashtag_is_refused_through_the_api(api_as, alice, body):
    api = api_as(alice)
    before = table_rows()
    response = api.post("/posts/", {"body": body})
    assert response.status_code == 400
    assert response.json()["field"] == "body"
    assert "is too long: 50 characters at most" in response.json()["detail"]
    assert table_rows() == before


@pytest.mark.parametrize("body", LONG_TAGS)
def test_a_post_with_a_too_long_hashtag_is_refused_in_the_page(client, alice, body):
    client.force_login(alice)
    client.get("/")  # the company's settings rows are made once, on a first page
    before = table_rows()
    response = client.post("/posts/new/", {"body": body})
    assert response.status_code == 400
    assert "is too long: 50 characters at most" in response.content.decode()
    assert table_rows() == before


def test_an_edit_adding_a_too_long_hashtag_changes_nothing(api_as, alice):
    api = api_as(alice)
    post_id = api.post("/posts/", {"body": "Bonjour #court"}).json()["id"]
    before = table_rows()
    response = api.patch(f"/posts/{post_id}", {"body": "Bonjour #" + "z" * 80})
    assert response.status_code == 400
    assert Post.objects.get(pk=post_id).body == "Bonjour #court"
    assert table_rows() == before


def test_a_hashtag_of_exactly_the_limit_is_kept_whole(api_as, alice):
    name = "b" * HASHTAG_MAX_LENGTH
    assert api_as(alice).post("/posts/", {"body": f"#{name}"}).status_code == 201
    assert Hashtag.objects.get().name == name


# The last wall: any save of a Ruche row ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "field"),
    [
        pytest.param(lambda user: Hashtag(key="k" * 51, name="k"), "key", id="hashtag-key"),
        pytest.param(
            lambda user: Community(name="n" * 81, slug="n", created_by=user), "name", id="community-name"
        ),
        pytest.param(lambda user: Community(name="Nom", slug="s" * 200, created_by=user), "slug", id="slug"),
        pytest.param(lambda user: Post(author=user, body="a\x00b"), "body", id="post-nul"),
        pytest.param(lambda user: Post(author=user, body="a\ud800b"), "body", id="post-surrogate"),
    ],
)
def test_no_row_is_saved_with_text_its_column_cannot_hold(alice, make, field):
    before = table_rows()
    with pytest.raises(ValidationError) as refused:
        make(alice).save()
    assert list(refused.value.message_dict) == [field]
    assert table_rows() == before


def test_an_update_checks_only_the_fields_it_writes(alice):
    post = Post.objects.create(author=alice, body="Bonjour")
    Post.objects.filter(pk=post.pk).update(body="x" * 5)
    post.body_html = "<p>Bonjour</p>"
    post.save(update_fields=["body_html"])  # body is not written: not checked either
    with pytest.raises(ValidationError):
        post.body_html = "a\x00"
        post.save(update_fields=["body_html"])
