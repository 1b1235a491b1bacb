"""Uploads: re-encoded without metadata under unguessable names, and served only to those who may
see what they belong to (404 alike for a file one may not see and a file that does not exist)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ruche.ideas.models import Campaign
from tests.images import spy_jpeg


def spy_photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("chez-moi-rue-des-lilas.jpg", spy_jpeg(), content_type="image/jpeg")


def test_a_campaign_cover_is_stripped_renamed_and_seen_by_its_audience_only(
    client, make_campaign, author, outsider
):
    campaign = make_campaign(cover=spy_photo())
    name = Campaign.objects.get(pk=campaign.pk).cover.name
    assert "lilas" not in name and name.endswith(".jpg")
    stored = campaign.cover.storage.open(name).read()
    assert b"Spycam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not dict(image.getexif()) and max(image.size) <= 1600

    url = f"/media/{name}"
    client.force_login(author)  # in the target department
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == stored
    assert "private" in response["Cache-Control"]
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.get("/media/campaigns/nothing-here.jpg").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the log-in page


def test_a_non_image_cover_is_refused_and_nothing_written(make_campaign):
    before = Campaign.objects.count()
    with pytest.raises(ValidationError) as error:
        make_campaign(cover=SimpleUploadedFile("cover.png", b"not an image"))
    assert "cover" in error.value.message_dict and Campaign.objects.count() == before
