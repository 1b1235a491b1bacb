"""A person's data export: everything of theirs, nothing of anyone else's; asked once at a time,
built by the worker (twice harmlessly), told by a notification, downloaded by its owner only,
deleted when it expires."""

import datetime
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from ruche.notifications.models import Email, Notification
from ruche.posts import services as posts
from ruche.privacy.models import DataExport
from ruche.privacy.registry import PERSONAL_DATA
from ruche.privacy.services.export import (
    DESCRIPTIONS,
    export_build,
    export_files,
    export_request,
    exports_expire,
)
from tests.files.conftest import PDF, png
from tests.privacy.conftest import BRUNO_REPLY, SECRET, export_of, loaded, unzip

pytestmark = pytest.mark.django_db
Status = DataExport.Status


def test_the_zip_holds_the_persons_data_of_every_kind(world, alice, bruno, chloe):
    files = export_of(alice)
    assert set(export_files()) | {"README.txt", "files/photo.png"} <= set(files)
    profile = loaded(files, "profile.json")
    assert profile["email"] == alice.email and profile["job_title"] == "Quality lead"
    assert profile["manager"] == {"handle": bruno.handle, "name": bruno.full_name}
    assert profile["department"] == "R&D" and profile["skills"] == ["Soudure"]
    assert profile["photo"] == "files/photo.png" and files["files/photo.png"] == png()

    texts = {post["text"]: post for post in loaded(files, "posts.json")}
    assert texts["Alice's private note to the team"]["communities"][0]["name"] == "Équipe qualité"
    assert texts["Alice replies to Bruno"]["reply_to"]["id"] == world["bruno_post"].pk
    assert texts["Sort chips"]["kind"] == "idea"  # the text of her idea
    assert texts["Alice asks: which filler wire?"]["kind"] == "question"
    assert texts["Alice answers: argon"]["accepted_answer"] is True
    (accepted,) = loaded(files, "answers_accepted.json")
    assert accepted["answer"]["id"] == world["answer"].pk
    assert [r["reaction"] for r in loaded(files, "reactions.json")] == ["bravo"]
    assert loaded(files, "bookmarks.json")[0]["post"]["id"] == world["bruno_post"].pk
    assert [f["person"]["handle"] for f in loaded(files, "following.json")] == [bruno.handle]
    assert [f["person"]["handle"] for f in loaded(files, "followers.json")] == [chloe.handle]
    roles = {(m["community"]["name"], m["role"]) for m in loaded(files, "memberships.json")}
    assert roles == {("Équipe qualité", "member")}
    assert [i["title"] for i in loaded(files, "ideas.json")] == ["Alice's idea"]
    assert [v["idea"]["id"] for v in loaded(files, "idea_votes.json")] == [world["other_idea"].pk]
    assert "follow" in {n["kind"] for n in loaded(files, "notifications.json")}
    assert [a["words"] for a in loaded(files, "alerts.json")] == ["soudure laser"]
    signins = loaded(files, "signins.json")
    assert [(s["ip"], s["browser"]) for s in signins] == [("192.0.2.7", "Firefox/140")]
    (attachment,) = loaded(files, "files.json")
    assert attachment["name"] == "rapport.pdf" and files[attachment["file"]] == PDF
    assert attachment["attached_to"] == {"kind": "post", "id": world["mine"].pk}


def test_nothing_of_a_colleagues_is_in_any_file(world, alice, bruno, chloe):
    files = export_of(alice)
    for name, content in files.items():
        text = content.decode("utf-8", errors="replace")
        foreign_texts = (SECRET, BRUNO_REPLY, "Bruno's public post", "Bruno's answer", "Bruno asks", "Rémi's")
        for foreign in (*foreign_texts, bruno.email, chloe.email):
            assert foreign not in text, f"{foreign!r} in {name}"
        assert "Chloé's own post" not in text and "Sort chips" in files["posts.json"].decode()
    assert "198.51.100.9" not in files["signins.json"].decode()  # Bruno's sign-in


def test_a_colleagues_export_holds_nothing_of_alices_private_data(world, alice, bruno):
    files = export_of(bruno)
    everything = b"".join(files.values()).decode("utf-8", errors="replace")
    assert alice.email not in everything
    assert "Alice's private note" not in everything and "192.0.2.7" not in everything
    assert SECRET in everything  # his own post is his


def test_every_file_is_described_in_the_readme_in_the_persons_language(world, alice):
    assert set(export_files()) <= set(DESCRIPTIONS)
    alice.language = "fr"
    alice.save()
    readme = export_of(alice)["README.txt"].decode("utf-8")
    for name in export_files():
        assert name in readme
    assert "Vos publications" in readme  # translated (ruche/locale)


def test_files_are_pretty_printed_utf8_json_lists(world, alice):
    files = export_of(alice)
    posts = files["posts.json"].decode("utf-8")
    assert posts.startswith("[\n  {\n    ") and posts.endswith("\n]\n") and "Équipe qualité" in posts
    assert files["hashtags_followed.json"] == b"[]\n"


def test_api_token_secrets_are_never_exported(alice, token_of):
    raw = token_of(alice, "laptop")
    files = export_of(alice)
    assert [t["name"] for t in loaded(files, "api_tokens.json")] == ["laptop"]
    assert raw not in b"".join(files.values()).decode()


def test_every_registered_file_is_written(alice):
    files = export_of(alice)
    for entry in PERSONAL_DATA:
        if entry.exported:
            assert entry.file in files, entry.key


def test_the_queries_do_not_grow_with_the_rows(alice, side_effects):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            export_of(alice)
        return len(queries)

    def write(n):
        with side_effects():
            for i in range(n):
                post = posts.post_create(author=alice, body=f"Note {i} #tag{i}")
                posts.post_create(author=alice, body=f"Reply {i}", parent=post)
                posts.reaction_set(post=post, user=alice, kind="like")

    write(2)
    few = count()
    write(20)
    assert count() == few


# Requests, the worker, expiry


def test_asking_twice_while_one_is_prepared_is_refused_with_a_clear_message(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the task waits
        export_request(user=alice)
        with pytest.raises(ValidationError) as refused:
            export_request(user=alice)
    assert refused.value.code == "pending"
    assert "being prepared" in refused.value.messages[0]
    assert DataExport.objects.filter(user=alice).count() == 1


def test_the_worker_builds_it_and_tells_the_person(alice, side_effects):
    with side_effects():
        export = export_request(user=alice)
    export.refresh_from_db()
    assert export.status == Status.READY and export.size > 0
    assert export.expires_at - export.finished_at == datetime.timedelta(days=7)
    with default_storage.open(export.file.name) as stored:
        assert zipfile.ZipFile(stored).read("profile.json")
    told = Notification.objects.get(recipient=alice, kind="data_export_ready")
    assert told.target_url() == "/me/data/"
    assert Email.objects.filter(recipient=alice, kind="data_export_ready").exists()


def test_building_twice_leaves_one_file_and_one_notification(
    alice, django_capture_on_commit_callbacks, media
):
    with django_capture_on_commit_callbacks():
        export = export_request(user=alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_build(export_id=export.pk) is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert export_build(export_id=export.pk) is None
    assert len(list((media / "exports").rglob("*.zip"))) == 1
    assert Notification.objects.filter(recipient=alice, kind="data_export_ready").count() == 1


def test_a_failed_build_says_so_and_may_be_asked_again(alice, side_effects, monkeypatch):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("ruche.privacy.services.export.zip_write", broken)
    with side_effects():
        export = export_request(user=alice)
    export.refresh_from_db()
    assert export.status == Status.FAILED and export.error == "disk full" and not export.file
    monkeypatch.undo()
    with side_effects():
        again = export_request(user=alice)
    again.refresh_from_db()
    assert again.status == Status.READY


def test_a_new_export_replaces_the_previous_one(alice, side_effects):
    with side_effects():
        first = export_request(user=alice)
    first.refresh_from_db()
    name = first.file.name
    with side_effects():
        second = export_request(user=alice)
    first.refresh_from_db()
    assert first.status == Status.EXPIRED and not first.file
    assert not default_storage.exists(name)
    assert DataExport.objects.get(pk=second.pk).status == Status.READY


def test_the_sweep_deletes_expired_exports(alice, side_effects):
    with side_effects():
        export = export_request(user=alice)
    export.refresh_from_db()
    name = export.file.name
    with side_effects():
        assert exports_expire(now=timezone.now() + datetime.timedelta(days=6)) == 0
    assert default_storage.exists(name)
    with side_effects():
        assert exports_expire(now=timezone.now() + datetime.timedelta(days=7, seconds=1)) == 1
    export.refresh_from_db()
    assert export.status == Status.EXPIRED and not export.file and not default_storage.exists(name)


def test_an_export_stuck_pending_fails_after_a_day_so_it_may_be_asked_again(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # its task never runs
        stuck = export_request(user=alice)
    exports_expire(now=timezone.now() + datetime.timedelta(hours=23))
    assert DataExport.objects.get(pk=stuck.pk).status == Status.PENDING
    exports_expire(now=timezone.now() + datetime.timedelta(days=1, minutes=1))
    assert DataExport.objects.get(pk=stuck.pk).status == Status.FAILED
    assert export_build(export_id=stuck.pk) is None  # a late run finds nothing to do
    with django_capture_on_commit_callbacks():
        export_request(user=alice)  # asked again


def test_export_days_come_from_the_settings(alice, side_effects, settings):
    settings.EXPORT_DAYS = 2
    with side_effects():
        export = export_request(user=alice)
    export.refresh_from_db()
    assert export.expires_at - export.finished_at == datetime.timedelta(days=2)


# The page and the download


@pytest.fixture
def ready(alice, side_effects):
    with side_effects():
        export = export_request(user=alice)
    export.refresh_from_db()
    return export


def test_only_the_owner_downloads_the_file(client, alice, bruno, admin, ready):
    client.force_login(alice)
    answer = client.get(ready.file.url)
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert f"ruche-data-{alice.handle}.zip" in answer["Content-Disposition"]
    assert "profile.json" in unzip(b"".join(answer.streaming_content))
    for other in (bruno, admin):
        client.force_login(other)
        assert client.get(ready.file.url).status_code == 404


def test_a_file_past_its_date_is_not_served_even_before_the_sweep(client, alice, ready, api_as):
    DataExport.objects.filter(pk=ready.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(alice)
    assert client.get(ready.file.url).status_code == 404
    assert api_as(alice).get("/me/export/download").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, ready):
    for path in ("/me/data/", "/me/data/export/state/", ready.file.url):
        answer = client.get(path)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], path
    assert client.post("/me/data/export/").status_code == 302
    assert not DataExport.objects.exclude(pk=ready.pk).exists()


def test_the_page_asks_shows_the_state_and_the_signins(
    client, alice, world, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    page = client.get("/me/data/").content.decode()
    assert "Prepare my export" in page and "192.0.2.7" in page and "Firefox/140" in page
    assert "198.51.100.9" not in page
    with django_capture_on_commit_callbacks():
        answer = client.post("/me/data/export/", follow=True)
    assert "being prepared" in answer.content.decode()
    state = client.get("/me/data/export/state/").content.decode()
    assert 'hx-trigger="every 3s"' in state and 'data-state="pending"' in state
    with django_capture_on_commit_callbacks():
        again = client.post("/me/data/export/", follow=True)
    assert "being prepared" in again.content.decode()
    assert DataExport.objects.filter(user=alice).count() == 1


def test_the_page_offers_the_download_when_ready(client, alice, ready):
    client.force_login(alice)
    page = client.get("/me/data/").content.decode()
    assert ready.file.url in page and 'data-state="ready"' in page and "hx-trigger" not in page


def test_the_account_menu_links_to_my_data(client, alice):
    client.force_login(alice)
    assert 'href="/me/data/"' in client.get("/").content.decode()


# The API


def test_api_asks_once_and_tells_the_state(api_as, alice, django_capture_on_commit_callbacks):
    api = api_as(alice)
    with django_capture_on_commit_callbacks():
        asked = api.post("/me/export")
        assert asked.status_code == 202 and asked.json()["status"] == "pending"
        again = api.post("/me/export")
    assert again.status_code == 409 and "being prepared" in again.json()["detail"]
    state = api.get("/me/export").json()["export"]
    assert state["status"] == "pending" and state["download_url"] is None


def test_api_downloads_the_ready_export(api_as, alice, bruno, ready):
    state = api_as(alice).get("/me/export").json()["export"]
    assert state["status"] == "ready" and state["download_url"].endswith("/api/ruche/v1/me/export/download")
    answer = api_as(alice).get("/me/export/download")
    assert answer.status_code == 200
    data = b"".join(answer.streaming_content)
    assert "profile.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert api_as(bruno).get("/me/export").json() == {"export": None}
    assert api_as(bruno).get("/me/export/download").status_code == 404


def test_api_lists_my_signins_only(api_as, alice, world):
    items = api_as(alice).get("/me/signins").json()["items"]
    assert [(i["ip"], i["user_agent"], i["method"]) for i in items] == [
        ("192.0.2.7", "Firefox/140", "password")
    ]


def test_api_needs_a_credential(anonymous_api):
    assert anonymous_api.post("/me/export").status_code == 401
    assert anonymous_api.get("/me/signins").status_code == 401


def test_the_email_says_it_is_ready_and_links_to_my_data(alice, side_effects, mailoutbox, settings):
    from ruche.notifications.mail import emails_send_due

    with side_effects():
        export_request(user=alice)
    emails_send_due(now=timezone.now() + datetime.timedelta(hours=1))
    (message,) = mailoutbox
    assert message.to == [alice.email]
    assert "Your data export is ready to download" in message.body
    assert f"{settings.SITE_URL}/me/data/" in message.body
