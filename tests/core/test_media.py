"""Uploaded files are served through the storage, after the folder's rule, with the same headers
whoever sends the bytes (Django, nginx, Apache), and never as a page of our site (ruche/core/media.py)."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.utils.http import http_date

from ruche.core import media
from ruche.core.media import Served
from ruche.core.uploads import unguessable_name

MODES = ["", "x-accel-redirect", "x-sendfile"]
JPEG = b"\xff\xd8\xff\xe0 a picture"
# What a web server adds or replaces with the body: the rest must not depend on the mode.
BODY_HEADERS = {"Content-Length", "X-Accel-Redirect", "X-Sendfile"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def verdicts(monkeypatch):
    """A folder "testfiles" whose rule answers what the test puts in this dict (name -> verdict)."""
    answers = {}
    monkeypatch.setitem(media._readers, "testfiles", lambda user, name: answers.get(name))
    return answers


@pytest.fixture
def stored(verdicts):
    """stored("x.jpg", b"...", verdict): a file in the storage, and what the rule answers for it."""

    def store(filename, content=JPEG, verdict=True):
        name = default_storage.save(f"testfiles/{filename}", ContentFile(content))
        verdicts[name] = verdict
        return name

    return store


def get(client, settings, name, mode="", **headers):
    settings.MEDIA_ACCEL = mode
    response = client.get(f"/media/{name}", headers=headers)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def test_every_upload_folder_has_a_reading_rule():
    """A new upload field without a rule would be served to nobody; one with a rule to the right people."""
    folders = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                sample = field.generate_filename(model(), "x.jpg")
                folders.add(sample.split("/", 1)[0])
    assert folders and folders <= set(media._readers), folders - set(media._readers)


def test_every_upload_is_stored_under_a_random_name():
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                first = field.generate_filename(model(), "Mon CV — confidentiel.JPG")
                assert "confidentiel" not in first and first.endswith(".jpg"), first  # ("CV" may be drawn)
                assert first != field.generate_filename(model(), "Mon CV — confidentiel.JPG")
    odd = unguessable_name("photos/3", "evil.php%00.jpg;.html")
    assert odd.startswith("photos/3/") and "evil" not in odd and odd.endswith(".html")  # served as a download
    assert unguessable_name("covers", "x.j pg").count(".") == 0  # no extension but a plain one


@pytest.mark.parametrize(
    "path", ["/media/elsewhere/x.jpg", "/media/../config/settings.py", "/media/photos/", "/media/photos/1"]
)
def test_nothing_outside_a_registered_folder_is_served(client, alice, path):
    client.force_login(alice)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("mode", MODES)
def test_a_picture_is_shown_with_the_same_headers_in_every_mode(client, settings, alice, stored, mode):
    name = stored("a.jpg")
    path = default_storage.path(name)
    settings.MEDIA_ACCEL_PREFIX = "/protected-media/"
    client.force_login(alice)
    response, body = get(client, settings, name, mode)
    assert response.status_code == 200
    modified = default_storage.get_modified_time(name)
    assert {k: v for k, v in response.headers.items() if k not in BODY_HEADERS} == {
        "Content-Type": "image/jpeg",
        "Content-Disposition": f'inline; filename="{name.split("/")[1]}"',
        "Cache-Control": "private, max-age=3600",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Last-Modified": http_date(modified.timestamp()),
        # from the middleware, on every answer alike
        "Vary": "Cookie",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Content-Language": "en",
    }
    if mode == "":
        assert body == JPEG and response["Content-Length"] == str(len(JPEG))
    elif mode == "x-accel-redirect":
        assert body == b"" and response["X-Accel-Redirect"] == f"/protected-media/{name}"
    else:
        assert body == b"" and response["X-Sendfile"] == path


@pytest.mark.parametrize(
    ("filename", "verdict"),
    [
        ("page.html", True),
        ("page.htm", True),
        ("drawing.svg", True),
        ("drawing.svgz", True),
        ("page.xhtml", True),
        ("data.xml", True),
        ("script.js", True),
        ("report.pdf", True),
        ("no-extension", True),
        ("picture.jpg.gz", True),
        ("disguised.jpg", Served(content_type="text/html")),
        ("disguised.png", Served(content_type="image/svg+xml; charset=utf-8")),
        ("stated.bin", Served(content_type="text/javascript", inline=True)),
    ],
)
@pytest.mark.parametrize("mode", MODES)
def test_what_a_browser_would_render_or_run_is_never_inline(
    client, settings, alice, stored, filename, verdict, mode
):
    name = stored(filename, b"<svg onload=alert(1)><script>alert(document.cookie)</script>", verdict)
    client.force_login(alice)
    response, _ = get(client, settings, name, mode)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_download_keeps_its_original_name(client, settings, alice, stored):
    name = stored("x7Fq.pdf", verdict=Served(filename="Rapport Q3 — été.pdf", inline=False))
    picture = stored("y.png", verdict=Served(filename='a "quoted"\r\nname.png', inline=False))
    client.force_login(alice)
    response, body = get(client, settings, name)
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=utf-8''Rapport%20Q3%20%E2%80%94%20%C3%A9t%C3%A9.pdf"
    )
    assert body == JPEG
    response, _ = get(client, settings, picture)  # an allowed type, downloaded as asked: its type kept
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''a%20%22quoted%22%0D%0Aname.png"


@pytest.mark.parametrize("mode", MODES)
def test_an_unchanged_file_is_not_sent_again(client, settings, alice, stored, mode):
    name = stored("a.webp")
    client.force_login(alice)
    first, _ = get(client, settings, name, mode)
    response, body = get(client, settings, name, mode, if_modified_since=first["Last-Modified"])
    assert response.status_code == 304 and body == b""
    assert "X-Accel-Redirect" not in response and "X-Sendfile" not in response
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["Last-Modified"] == first["Last-Modified"]
    before = default_storage.get_modified_time(name) - timedelta(hours=1)
    response, _ = get(client, settings, name, mode, if_modified_since=http_date(before.timestamp()))
    assert response.status_code == 200


@pytest.mark.parametrize("mode", MODES)
def test_missing_and_forbidden_are_the_same_404(client, settings, alice, stored, verdicts, mode):
    forbidden = stored("secret.jpg", verdict=False)
    refused = stored("refused.jpg", verdict=None)
    verdicts["testfiles/gone.jpg"] = True  # permitted, but no such file
    stored("sub/inside.jpg")  # testfiles/sub is a folder, not a file
    verdicts["testfiles/sub"] = True
    client.force_login(alice)
    answers = [
        get(client, settings, name, mode)
        for name in [
            forbidden,
            refused,
            "testfiles/gone.jpg",
            "testfiles/sub",
            "testfiles/../testfiles/a.jpg",
        ]
    ]
    assert {response.status_code for response, _ in answers} == {404}
    assert len({re.search(rb"<main.*</main>", body, re.S)[0] for _, body in answers}) == 1  # the same page
    assert not any("X-Accel-Redirect" in r or "X-Sendfile" in r for r, _ in answers)


def test_signed_out_is_sent_to_sign_in(db, client, settings, stored):
    response, _ = get(client, settings, stored("a.jpg"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
