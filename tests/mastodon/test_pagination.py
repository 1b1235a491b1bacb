"""Mastodon's keyset pagination: limit, max_id, since_id, min_id and the Link header."""

import pytest
from django.test import RequestFactory

from ruche.mastodon.endpoint import params
from ruche.mastodon.pagination import link_header, page
from ruche.posts.models import Post
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids(alice):
    return [post_create(author=alice, body=f"Post {n}").pk for n in range(7)]  # oldest first


def _page(query):
    request = RequestFactory().get("/api/v1/timelines/public", query)
    return request, [p.pk for p in page(request, Post.objects.all())]


def test_limit_max_id_since_id_and_min_id(ids):
    assert _page({"limit": 3})[1] == ids[:-4:-1]
    assert _page({"limit": 2, "max_id": ids[4]})[1] == [ids[3], ids[2]]
    assert _page({"limit": 2, "since_id": ids[2]})[1] == [ids[6], ids[5]]  # the newest above
    assert _page({"limit": 2, "min_id": ids[2]})[1] == [ids[4], ids[3]]  # the page right after
    assert len(_page({"limit": 1000})[1]) == 7 and len(_page({"limit": "x"})[1]) == 7
    assert _page({"max_id": "not-a-number", "limit": 1})[1] == [ids[6]]


def test_the_link_header_points_to_the_next_and_previous_pages(ids):
    request, _rows = _page({"limit": 2, "max_id": ids[4]})
    rows = page(request, Post.objects.all())
    link = link_header(request, rows)
    assert f'max_id={ids[2]}>; rel="next"' in link and f'min_id={ids[3]}>; rel="prev"' in link
    assert "limit=2" in link and link.startswith("<http://testserver/api/v1/timelines/public?")
    assert link_header(request, []) is None


def test_params_read_rails_arrays_and_json_bodies():
    form = RequestFactory().post(
        "/x", "media_ids[]=1&media_ids[]=2&poll[options][]=a&poll[options][]=b&status=hi",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert params(form) == {"media_ids": ["1", "2"], "poll": {"options": ["a", "b"]}, "status": "hi"}
    as_json = RequestFactory().patch("/x", {"note": "bio"}, content_type="application/json")
    assert params(as_json) == {"note": "bio"}
    patched = RequestFactory().patch(
        "/x", "note=bio&source[language]=fr", content_type="application/x-www-form-urlencoded"
    )
    assert params(patched) == {"note": "bio", "source": {"language": "fr"}}
