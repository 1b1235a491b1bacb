"""Bad input in a page's form or query string: 400 naming the field, nothing written, on both databases.

One middleware refuses it before any view runs (ruche.web.middleware.InputGuardMiddleware), so every
form is covered, including those a view reads by hand (a report's reason, a room's topic).
"""

import io
from urllib.parse import quote

import pytest
from django.test.client import BOUNDARY, encode_multipart

from ruche.communities.models import Community
from ruche.posts.models import Post
from tests.rows import table_rows

Visibility = Community.Visibility
RAW_MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"  # bytes sent as they are (not a dict to encode)


@pytest.fixture
def world(client, alice, make_community, bruno):
    """Alice signed in, a post of Bruno's she may report and reply to, a private community to ask into."""
    client.force_login(alice)
    post = Post.objects.create(author=bruno, body="Bonjour", body_html="<p>Bonjour</p>")
    private = make_community("Comité", visibility=Visibility.PRIVATE)
    return {"post": post.pk, "private": private.slug}


# (url, the form's fields with the bad one marked by {bad}) for forms that write something.
FORMS = [
    pytest.param("/posts/new/", {"body": "{bad}"}, "body", id="post"),
    pytest.param("/posts/{post}/reply/", {"body": "{bad}"}, "body", id="reply"),
    pytest.param("/posts/{post}/report/", {"reason": "{bad}"}, "reason", id="report"),
    pytest.param(
        "/communities/new/", {"name": "{bad}", "kind": "work", "visibility": "public"}, "name", id="community"
    ),
    pytest.param("/communities/{private}/request/", {"message": "{bad}"}, "message", id="join-request"),
    pytest.param(
        "/me/edit/", {"first_name": "Alice", "last_name": "Martin", "bio": "{bad}"}, "bio", id="profile"
    ),
]


def _filled(fields: dict, bad: str) -> dict:
    return {name: value.replace("{bad}", bad) for name, value in fields.items()}


def _post(client, url: str, fields: dict, encoding: str):
    if encoding == "multipart":
        return client.post(url, fields)
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items())
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


def _assert_refused(response, field: str, before: dict):
    assert response.status_code == 400
    assert f"“{field}”" in response.content.decode()
    assert table_rows() == before


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
@pytest.mark.parametrize(("url", "fields", "field"), FORMS)
def test_a_null_character_in_a_form_is_refused_naming_the_field(client, world, url, fields, field, encoding):
    before = table_rows()
    response = _post(client, url.format(**world), _filled(fields, "a\x00b"), encoding)
    _assert_refused(response, field, before)
    assert "null character" in response.content.decode()


@pytest.mark.parametrize(("url", "fields", "field"), FORMS)
def test_a_form_that_is_not_utf8_is_refused_naming_the_field(client, world, url, fields, field):
    before = table_rows()
    body = "&".join(f"{k}={quote(v)}" for k, v in fields.items()).replace("%7Bbad%7D", "caf%E9")
    response = client.post(url.format(**world), body, content_type="application/x-www-form-urlencoded")
    _assert_refused(response, field, before)
    assert "UTF-8" in response.content.decode()


@pytest.mark.parametrize(("url", "fields", "field"), FORMS)
def test_a_multipart_field_that_is_not_utf8_is_refused(client, world, url, fields, field):
    before = table_rows()
    body = encode_multipart(BOUNDARY, _filled(fields, "{bad}")).replace(b"{bad}", b"caf\xe9")
    response = client.post(url.format(**world), body, content_type=RAW_MULTIPART)
    _assert_refused(response, field, before)


def test_a_typed_replacement_character_is_kept(client, world):
    """U+FFFD typed as such (its UTF-8 bytes came) is text like any other."""
    response = client.post("/posts/new/", {"body": "odd \ufffd character"})
    assert response.status_code == 302
    assert Post.objects.filter(body="odd \ufffd character").exists()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/search/?q=a%00b", "q"),
        ("/people/?q=a%00b", "q"),
        ("/communities/?kind=%00", "kind"),
        ("/?before=%00", "before"),
    ],
)
def test_a_null_character_in_a_query_string_is_refused(client, world, path, field):
    response = client.get(path)
    assert response.status_code == 400
    assert f"“{field}”" in response.content.decode()


def test_a_query_string_that_is_not_utf8_is_refused(client, world):
    response = client.get("/search/?q=caf%E9")
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


@pytest.mark.parametrize("path", ["/tags/a%00b/", "/communities/a%00b/", "/people/a%00b/", "/skills/a%00b/"])
def test_a_null_character_in_a_path_is_not_found(client, world, path):
    assert client.get(path).status_code == 404


# Multipart bodies that did not arrive whole ------------------------------------------------------------


def _multipart(fields: dict) -> bytes:
    return encode_multipart(BOUNDARY, fields)


def test_a_multipart_body_without_its_closing_boundary_is_refused(client, world):
    before = table_rows()
    whole = _multipart({"body": "Une très longue annonce"})
    cut = whole[: whole.index(b"longue") + 3]
    response = client.post("/posts/new/", cut, content_type=RAW_MULTIPART)
    assert response.status_code == 400
    assert "incomplete" in response.content.decode()
    assert table_rows() == before


def test_a_multipart_body_cut_between_two_fields_is_refused(client, world):
    """Every field that came is whole, but the closing boundary never came."""
    before = table_rows()
    whole = _multipart({"body": "Bonjour", "kind": "post"})
    cut = whole[: whole.index(b'name="kind"') - len(b"Content-Disposition: form-data; ")]
    response = client.post("/posts/new/", cut, content_type=RAW_MULTIPART)
    assert response.status_code == 400
    assert table_rows() == before


def test_a_multipart_body_shorter_than_its_content_length_is_refused(client, world):
    """The client announced more bytes than it sent (it went away): what came is not used."""
    before = table_rows()
    whole = _multipart({"body": "Bonjour"})
    response = client.post(
        "/posts/new/",
        whole,
        content_type=RAW_MULTIPART,
        CONTENT_LENGTH=str(len(whole) + 100),
        **{"wsgi.input": io.BytesIO(whole)},
    )
    assert response.status_code == 400
    assert table_rows() == before


def test_a_malformed_multipart_body_is_refused(client, world):
    before = table_rows()
    response = client.post("/posts/new/", b"body=Bonjour", content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    assert table_rows() == before


def test_a_whole_multipart_body_goes_through(client, world):
    response = client.post("/posts/new/", _multipart({"body": "Bonjour à tous"}), content_type=RAW_MULTIPART)
    assert response.status_code == 302
    assert Post.objects.filter(body="Bonjour à tous").exists()


def test_the_refusal_is_in_the_persons_language(client, world, alice):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    response = client.post("/posts/new/", {"body": "a\x00b"})
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_a_refusal_a_page_does_not_catch_is_still_a_400(client, world, monkeypatch):
    """Say a save met the last wall (ruche.core.storable) in a view that expected no refusal."""
    from django.core.exceptions import ValidationError

    from ruche.web import views

    def refuse(*args, **kwargs):
        raise ValidationError({"topic": "Ensure this value has at most 120 characters (it has 300)."})

    monkeypatch.setattr(views, "company_feed", refuse)
    response = client.get("/company/")
    assert response.status_code == 400
    assert "“topic”: Ensure this value has at most 120 characters" in response.content.decode()
