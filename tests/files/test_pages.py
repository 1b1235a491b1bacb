"""The administrators' page of attachment rules, and a post's edit page with its files."""

from ruche.files.models import Attachment, FileSettings
from ruche.files.services import attachment_upload
from ruche.posts.services import post_create
from tests.files.conftest import PDF, upload


def test_only_admins_see_the_rules_page_and_a_bad_value_changes_nothing(client, alice, admin):
    client.force_login(alice)
    assert client.get("/manage/files/").status_code == 403
    client.force_login(admin)
    assert "Largest file" in client.get("/manage/files/").content.decode()
    refused = client.post("/manage/files/", {"max_size_mb": "0", "groups": ["pdf"]})
    assert refused.status_code == 400 and FileSettings.current().max_size_mb == 20
    saved = client.post("/manage/files/", {"max_size_mb": "5", "groups": ["pdf", "image"]})
    assert saved.status_code == 302
    assert (FileSettings.current().max_size_mb, FileSettings.current().groups) == (5, ["image", "pdf"])
    assert "5 MB at most per file" in client.get("/").content.decode()


def test_the_edit_page_keeps_the_files_it_shows_and_drops_the_one_taken_off(client, alice):
    kept = attachment_upload(uploader=alice, upload=upload("garde.pdf", PDF))
    dropped = attachment_upload(uploader=alice, upload=upload("retire.pdf", PDF))
    post = post_create(author=alice, body="Deux fichiers", attachments=[kept.pk, dropped.pk])
    client.force_login(alice)
    page = client.get(f"/posts/{post.pk}/edit/").content.decode()
    assert f'name="attachments" value="{kept.pk}"' in page and "retire.pdf" in page
    response = client.post(f"/posts/{post.pk}/edit/", {"body": "Un seul", "attachments": [kept.pk]})
    assert response.status_code == 302
    assert list(Attachment.objects.values_list("name", flat=True)) == ["garde.pdf"]


def test_a_file_over_the_limit_is_cut_off_and_said_so(client, alice, admin):
    from ruche.files.services import file_settings_update

    file_settings_update(by=admin, max_size_mb=1, groups=["pdf"])
    client.force_login(alice)
    big = upload("énorme.pdf", PDF + b"0" * (6 * 1024 * 1024))  # past the 5 MB every upload may reach
    response = client.post("/files/", {"file": big})
    assert response.status_code == 400 and "énorme.pdf" in response.json()["error"]
    assert not Attachment.objects.exists()
