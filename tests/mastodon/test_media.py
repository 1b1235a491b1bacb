"""Mastodon.py uploads a real PNG to a live Ruche, then posts it; someone else's upload is 404."""

import io

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError
from PIL import Image

from ruche.files.models import Attachment
from ruche.posts.models import Post


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 0)).save(out, "PNG")
    return out.getvalue()


def test_media_post_then_status_post_with_it(mastodon_for, alice, bruno):
    api = mastodon_for(alice)
    media = api.media_post(_png(), mime_type="image/png", file_name="four.png", description="Orange")
    assert media["type"] == "image" and media["url"].startswith("http") and media["preview_url"]
    assert media["meta"]["original"]["width"] == 64 and media["meta"]["original"]["height"] == 48
    assert api.media(media["id"])["id"] == media["id"]
    other = mastodon_for(bruno)
    with pytest.raises(MastodonNotFoundError):
        other.media(media["id"])
    with pytest.raises(MastodonAPIError) as refused:
        other.status_post("Pas à moi", media_ids=[media["id"]])
    assert refused.value.args[1] == 422
    assert not Post.objects.filter(body="Pas à moi").exists()
    status = api.status_post("Une image", media_ids=[media["id"]])
    assert [m["id"] for m in status["media_attachments"]] == [media["id"]]
    attached = Attachment.objects.get(pk=media["id"])
    assert attached.holder_kind == "post" and attached.holder_id == int(status["id"])


def test_a_file_that_is_not_what_it_says_is_refused(mastodon_for, alice):
    api = mastodon_for(alice)
    with pytest.raises(MastodonAPIError) as refused:
        api.media_post(b"not a png at all", mime_type="image/png", file_name="fake.png")
    assert refused.value.args[1] == 422
    assert not Attachment.objects.filter(uploader=alice).exists()
