"""Uploaded files in an S3-compatible bucket (RUCHE_STORAGE=s3): a real S3 server, moto's, runs on
127.0.0.1 for these tests. Files go in and out through the ordinary services and the media view;
the bucket is looked at directly with boto3."""

import secrets
from types import SimpleNamespace

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from config.env import file_storage_from_env
from ruche.accounts import services as accounts
from ruche.core.s3 import PrivateS3Storage
from ruche.core.uploads import local_media_root, media_location
from tests.images import spy_jpeg

KEY_ID, SECRET, REGION = "ruche-test-key", "ruche-test-secret", "eu-west-3"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new bucket, and Ruche configured for it from the environment, as an operator would."""
    name = f"ruche-{secrets.token_hex(4)}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    for variable, value in {
        "RUCHE_STORAGE": "s3",
        "RUCHE_S3_BUCKET": name,
        "RUCHE_S3_ENDPOINT_URL": s3_endpoint,
        "RUCHE_S3_REGION": REGION,
        "RUCHE_S3_ACCESS_KEY_ID": KEY_ID,
        "RUCHE_S3_SECRET_ACCESS_KEY": SECRET,
    }.items():
        monkeypatch.setenv(variable, value)
    settings.STORAGES = {**settings.STORAGES, "default": file_storage_from_env()}
    settings.MEDIA_ACCEL = ""

    def keys():
        return sorted(item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", []))

    def read(key):
        return client.get_object(Bucket=name, Key=key)["Body"].read()

    return SimpleNamespace(name=name, client=client, keys=keys, read=read)


def jpeg(name="chez-moi.jpg"):
    return SimpleUploadedFile(name, spy_jpeg(), content_type="image/jpeg")


def download(client, url, **headers):
    response = client.get(url, headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_a_photo_lives_privately_in_the_bucket_and_is_served_through_the_rule(
    client, settings, bucket, alice, bruno, side_effects
):
    with side_effects():
        accounts.profile_set_photo(profile=alice.profile, by=alice, upload=jpeg())
    photo = alice.profile.photo
    assert isinstance(photo.storage._wrapped, PrivateS3Storage)
    assert bucket.keys() == [photo.name] and "chez-moi" not in photo.name
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=photo.name)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner's only: private
    assert "URI" not in grants[0]["Grantee"]  # no AllUsers / AuthenticatedUsers group
    assert photo.url == f"/media/{photo.name}"  # ours, never the bucket's

    client.force_login(bruno)
    response, body = download(client, photo.url)
    assert response.status_code == 200 and body == bucket.read(photo.name)
    assert response["Content-Length"] == str(len(body))
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"].startswith("private")
    response, body = download(client, photo.url, if_modified_since=response["Last-Modified"])
    assert response.status_code == 304 and body == b""

    settings.MEDIA_ACCEL = "x-accel-redirect"  # nginx fetches the bytes; the headers stay the same
    accelerated, body = download(client, photo.url)
    assert body == b"" and accelerated["X-Accel-Redirect"] == f"/protected-media/{photo.name}"
    assert accelerated["Content-Type"] == "image/jpeg"

    old = photo.name
    with side_effects():
        accounts.profile_set_photo(profile=alice.profile, by=alice, upload=jpeg())
    assert bucket.keys() == [alice.profile.photo.name] != [old]  # the old object is deleted
    assert download(client, f"/media/{old}")[0].status_code == 404
    with side_effects():
        accounts.profile_remove_photo(profile=alice.profile, by=alice)
    assert bucket.keys() == []


@pytest.mark.parametrize("mode", ["", "x-accel-redirect"])
def test_a_cover_is_refused_as_a_missing_object_is_not_found(
    client, settings, bucket, make_campaign, author, outsider, mode
):
    campaign = make_campaign(cover=jpeg())
    name = campaign.cover.name
    assert bucket.keys() == [name]
    settings.MEDIA_ACCEL = mode
    client.force_login(author)  # in the campaign's audience
    assert download(client, f"/media/{name}")[0].status_code == 200
    assert download(client, "/media/campaigns/nothing-here.jpg")[0].status_code == 404  # not a 500
    client.force_login(outsider)
    assert download(client, f"/media/{name}")[0].status_code == 404


def test_backups_say_where_the_files_are(bucket):
    assert local_media_root() is None
    assert bucket.name in media_location() and "127.0.0.1" in media_location()
