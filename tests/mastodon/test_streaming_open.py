"""Opening a Mastodon stream: the token from the header or `?access_token=`, and a list that is not
the reader's is not found (the streams themselves: test_streaming.py, against a real server)."""

import pytest
from django.http import JsonResponse
from django.test import RequestFactory

from ruche.api.services import api_token_create
from ruche.communities.models import Community
from ruche.mastodon.streaming import Reader, open_stream, stream_of
from ruche.realtime.policies import PUBLIC, community_channel

pytestmark = pytest.mark.django_db


def test_the_token_may_come_from_the_query(alice):
    _token, secret = api_token_create(user=alice, name="tests")
    reader, channels = open_stream(
        RequestFactory().get(f"/api/v1/streaming/user?access_token={secret}"), "user"
    )
    assert isinstance(reader, Reader) and reader.user == alice and PUBLIC in channels
    refused, channels = open_stream(RequestFactory().get("/api/v1/streaming/user?access_token=nope"), "user")
    assert isinstance(refused, JsonResponse) and refused.status_code == 401 and channels is None


def test_a_list_stream_is_only_for_the_communitys_members(alice, bruno, make_community):
    private = make_community("Projet Alpha", visibility=Community.Visibility.PRIVATE, owner=bruno)
    path = f"/api/v1/streaming/list?list={private.pk}"
    _token, alice_secret = api_token_create(user=alice, name="tests")
    refused, _channels = open_stream(
        RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {alice_secret}"), "list"
    )
    assert refused.status_code == 404
    _token, bruno_secret = api_token_create(user=bruno, name="tests")
    reader, channels = open_stream(
        RequestFactory().get(path, HTTP_AUTHORIZATION=f"Bearer {bruno_secret}"), "list"
    )
    assert reader.community == private and channels == [community_channel(private.pk)]


def test_stream_names_follow_mastodons_paths():
    assert stream_of("/api/v1/streaming/public/local", {}) == "public:local"
    assert stream_of("/api/v1/streaming", {"stream": "hashtag"}) == "hashtag"
    assert stream_of("/api/v1/streaming/health", {}) == "health"
    assert stream_of("/api/v1/streaming/direct", {}) is None
