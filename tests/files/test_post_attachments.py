"""Files on posts and replies, end to end: attached when published, shown on the card, served only
to those who may read the post (whatever its address, wherever the post moves), gone with it."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from ruche.communities.models import Community, Placement
from ruche.files.models import Attachment
from ruche.files.services import attachment_upload, attachments_sweep
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete, post_edit
from tests.files.conftest import PDF, png, upload
from tests.images import spy_jpeg


@pytest.fixture
def files(alice):
    """A photo and a PDF uploaded by Alice, not attached yet."""
    return [
        attachment_upload(uploader=alice, upload=upload("ligne.jpg", spy_jpeg())),
        attachment_upload(uploader=alice, upload=upload("Rapport Q3.pdf", PDF)),
    ]


@pytest.fixture
def private(make_community, alice):
    return make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[alice])


def urls(attachment) -> list[str]:
    return ["/media/" + n for n in (attachment.file.name, attachment.thumbnail.name) if n]


def test_a_post_shows_its_photo_and_its_document_tile(client, alice, bruno, files):
    post = post_create(author=alice, body="La nouvelle ligne", attachments=[a.pk for a in files])
    photo, pdf = files
    client.force_login(bruno)
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'src="/media/{photo.thumbnail.name}"' in page and f'href="/media/{photo.file.name}"' in page
    assert "Rapport Q3.pdf" in page and "PDF" in page and f'href="/media/{pdf.file.name}"' in page
    response = client.get(f"/media/{pdf.file.name}")
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/octet-stream"  # never shown by the browser itself
    assert (
        response["Content-Disposition"].startswith("attachment")
        and "Rapport Q3.pdf" in response["Content-Disposition"]
    )


def test_a_post_may_be_only_a_photo_but_not_nothing(alice, files):
    post = post_create(author=alice, body="", attachments=[files[0].pk])
    assert post.body == "" and Attachment.objects.get(pk=files[0].pk).holder_id == post.pk
    with pytest.raises(ValidationError, match="Write something"):
        post_create(author=alice, body="  ")


def test_a_private_communitys_files_are_refused_to_outsiders_by_their_address(
    client, alice, bruno, files, private, make_community
):
    post = post_create(
        author=alice, body="Chiffres", communities=[private], attachments=[a.pk for a in files]
    )
    client.force_login(alice)
    assert all(client.get(url).status_code == 200 for f in files for url in urls(f))
    client.force_login(bruno)
    assert all(client.get(url).status_code == 404 for f in files for url in urls(f))
    assert "Rapport Q3.pdf" not in client.get("/company/").content.decode()
    # Moved from a public community into the private one: the rule is asked again at each download.
    public = make_community("Atelier", members=[alice])
    moved = post_create(author=alice, body="Plan", communities=[public],
                        attachments=[attachment_upload(uploader=alice, upload=upload("plan.pdf", PDF)).pk])  # fmt: skip
    plan = Attachment.objects.get(holder_id=moved.pk)
    assert client.get(urls(plan)[0]).status_code == 200
    Placement.objects.filter(post=moved).update(community=private)
    assert client.get(urls(plan)[0]).status_code == 404
    client.logout()
    assert client.get(urls(plan)[0]).status_code in (302, 404)
    assert post.pk


def test_an_upload_not_yet_attached_is_seen_by_its_uploader_only(client, alice, bruno, files):
    client.force_login(alice)
    assert client.get(urls(files[0])[0]).status_code == 200
    client.force_login(bruno)
    assert client.get(urls(files[0])[0]).status_code == 404


def test_nobody_attaches_someone_elses_upload_and_the_post_is_not_published(alice, bruno, files):
    with pytest.raises(ValidationError, match="no longer available"):
        post_create(author=bruno, body="Je prends", attachments=[files[0].pk])
    assert not Post.objects.filter(author=bruno).exists()
    assert Attachment.objects.get(pk=files[0].pk).holder_kind == ""


def test_a_file_is_attached_once(alice, files):
    post_create(author=alice, body="Une", attachments=[files[0].pk])
    with pytest.raises(ValidationError):
        post_create(author=alice, body="Deux", attachments=[files[0].pk])


def test_a_reply_carries_files_too_and_follows_its_thread(client, alice, bruno, private, files):
    thread = post_create(author=alice, body="Fil", communities=[private])
    reply = post_create(author=alice, body="Voici", parent=thread, attachments=[files[1].pk])
    client.force_login(alice)
    assert "Rapport Q3.pdf" in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(bruno)
    assert client.get(urls(files[1])[0]).status_code == 404
    assert reply.pk


def test_editing_removes_and_adds_files_and_deleting_the_post_deletes_them(alice, files, side_effects):
    photo, pdf = files
    post = post_create(author=alice, body="Avant", attachments=[photo.pk])
    with side_effects():
        post_edit(post=post, by=alice, body="Après", attachments=[pdf.pk])
    assert list(Attachment.objects.filter(holder_id=post.pk).values_list("pk", flat=True)) == [pdf.pk]
    assert not default_storage.exists(photo.file.name) and not default_storage.exists(photo.thumbnail.name)
    with side_effects():
        post_delete(post=post, by=alice)
    assert not Attachment.objects.exists()
    assert not default_storage.exists(pdf.file.name)


def test_the_sweep_takes_uploads_never_attached_and_files_whose_post_is_gone(alice, files, side_effects):
    from datetime import timedelta

    from django.utils import timezone

    post = post_create(author=alice, body="Tenu", attachments=[files[1].pk])
    Attachment.objects.filter(pk=files[0].pk).update(created=timezone.now() - timedelta(days=2))
    fresh = attachment_upload(uploader=alice, upload=upload("capture.png", png()))
    Post.objects.filter(pk=post.pk).update(deleted_at=timezone.now())  # gone without the service
    with side_effects():
        assert attachments_sweep() == 2
    assert list(Attachment.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not default_storage.exists(files[0].file.name) and not default_storage.exists(files[1].file.name)


def test_too_many_files_on_one_message_are_refused(alice):
    ids = [attachment_upload(uploader=alice, upload=upload(f"{i}.txt", b"x")).pk for i in range(11)]
    with pytest.raises(ValidationError, match="10 files at most"):
        post_create(author=alice, body="Trop", attachments=ids)
    assert not Post.objects.exists()


def test_the_composer_without_javascript_sends_its_files_with_the_post(client, alice):
    client.force_login(alice)
    response = client.post("/posts/new/", {"body": "Sans JavaScript", "files": [upload("plan.pdf", PDF)]})
    assert response.status_code == 302
    post = Post.objects.get(body="Sans JavaScript")
    assert Attachment.objects.get(holder_id=post.pk).name == "plan.pdf"


def test_a_refused_composer_keeps_the_files_already_uploaded(client, alice, files):
    client.force_login(alice)
    too_long = "x" * 20_000
    response = client.post(
        "/posts/new/", {"body": too_long, "attachments": [files[0].pk, files[1].pk]}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert f'name="attachments" value="{files[0].pk}"' in page and "Rapport Q3.pdf" in page


def test_the_upload_endpoint_answers_a_chip_or_a_translated_reason(client, alice):
    client.force_login(alice)
    response = client.post("/files/", {"file": upload("plan.pdf", PDF)})
    assert response.status_code == 201
    assert f'value="{response.json()["id"]}"' in response.json()["html"]
    refused = client.post("/files/", {"file": upload("page.html", b"<html>")}, HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 400 and "page.html" in refused.json()["error"]
    assert client.post("/files/", {}).status_code == 400


def test_the_api_uploads_attaches_and_lists_files_and_refuses_outsiders(
    client, alice, bruno, private, api_as
):
    api = api_as(alice)
    response = client.post("/api/ruche/v1/files/", {"file": upload("plan.pdf", PDF)}, headers=api.headers)
    assert response.status_code == 201, response.content
    uploaded = response.json()
    assert (
        uploaded["name"] == "plan.pdf"
        and uploaded["kind"] == "document"
        and uploaded["thumbnail_url"] is None
    )
    created = api.post("/posts/", {"body": "", "communities": [private.pk], "attachments": [uploaded["id"]]})
    assert created.status_code == 201, created.content
    assert [a["url"] for a in created.json()["attachments"]] == [uploaded["url"]]
    refused = client.post("/api/ruche/v1/files/", {"file": upload("x.svg", b"<svg/>")}, headers=api.headers)
    assert refused.status_code == 400 and "x.svg" in refused.json()["detail"]
    outsider = api_as(bruno)
    assert outsider.get(f"/posts/{created.json()['id']}").status_code == 404
    client.force_login(bruno)
    assert client.get(uploaded["url"]).status_code == 404
    stolen = outsider.post("/posts/", {"body": "À moi", "attachments": [uploaded["id"]]})
    assert stolen.status_code == 400
