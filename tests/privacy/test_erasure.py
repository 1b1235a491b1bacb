"""Erasure (ruche/privacy/services/erasure.py): after it, nothing in the whole database names the
person, search finds nothing of them, their contributions are kept or deleted as the company says,
and every relation to the user model has a rule."""

import json
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from ruche.accounts.models import AdminLogEntry, DirectorySettings, Profile, SignIn, User
from ruche.accounts.services import admin_log, profile_set_photo, profile_update, user_follow
from ruche.alerts.services import alert_create
from ruche.analytics.models import PersonDay, SearchDay
from ruche.api.models import ApiToken
from ruche.api.services import api_token_create
from ruche.communities.models import AuditEntry
from ruche.communities.services import community_join
from ruche.notifications.models import Email, Notification
from ruche.posts.models import Bookmark, Post, Reaction
from ruche.posts.services import bookmark_set, post_create, reaction_set
from ruche.privacy.models import DataExport
from ruche.privacy.registry import PERSONAL_DATA
from ruche.privacy.services import erasure
from ruche.privacy.services.erasure import ERASE_RULES, Erase, person_erase, user_relations
from ruche.realtime.models import RealtimeEvent
from tests.accounts.profiles import png

SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # the one the site uses

FIRST, LAST = "Zephyrine", "Quillebeuf"
EMAIL = "zq.private@example.com"


@pytest.fixture
def zephyrine(make_user, alice, bruno, make_community, client, side_effects):
    """A colleague with a bit of everything Ruche may hold about someone; nobody else writes her
    name (Alice mentions her handle, as colleagues do)."""
    z = make_user(FIRST, LAST, email=EMAIL)
    with side_effects():
        profile_update(profile=z.profile, by=z, skills=["Cartographie"], job_title="Cartographe",
                       phone="+33 6 12 34 56 78", bio="Je dessine des cartes.")  # fmt: skip
        profile_set_photo(profile=Profile.objects.get(user=z), by=z, upload=png())
        user_follow(follower=z, followed=alice)
        user_follow(follower=bruno, followed=z)
        own = post_create(author=z, body="Les cartes du trimestre sont prêtes #cartes")
        hello = post_create(author=alice, body=f"Merci @{z.handle} pour les cartes !")
        post_create(author=z, body="Avec plaisir.", parent=hello)
        reaction_set(post=hello, user=z, kind="like")
        reaction_set(post=own, user=alice, kind="like")
        bookmark_set(post=hello, user=z, saved=True)
        geographers = make_community("Géographes")
        community_join(community=geographers, user=z)
        AuditEntry.objects.create(actor=bruno, action="hide", community=geographers, target=z,
                                  detail=f"reported by {FIRST} {LAST}")  # fmt: skip
        Notification.objects.create(recipient=alice, actor=bruno, kind="post_hidden",
                                    detail=f"Hors sujet, selon {FIRST} {LAST}")  # fmt: skip
        export = DataExport.objects.create(user=z, status="ready")
        export.file.save("export.zip", ContentFile(b"PK"), save=True)
        alert_create(user=z, query="cartes")
        api_token_create(user=z, name="script")
        admin_log(actor=None, action="person_deactivate", target_user=z)
        admin_log(actor=None, action="ldap_sync", changes=[{"who": f"{FIRST} {LAST}", "mail": EMAIL}])
        Email.objects.create(recipient=alice, kind="digest", subject=f"{FIRST} {LAST} a publié",
                             text=f"{FIRST} {LAST} ({EMAIL}) a publié", key="digest:test")  # fmt: skip
        SearchDay.objects.create(day="2026-01-05", query=f"{FIRST.lower()} {LAST.lower()}", searches=2)
        PersonDay.objects.create(user=z, day="2026-01-05", posts=1)
        RealtimeEvent.objects.create(user=z, type="notification", data={"unread": 2})
    SignIn.objects.create(user=z, ip="10.0.0.7", user_agent="Firefox")
    client.force_login(z)  # a session in the database, which the erasure must end
    z.refresh_from_db()
    return z


def database_hits(needle: str) -> list[tuple[str, str]]:
    """(table, column) of every value of every table that holds `needle`, case ignored: the whole
    database, as Django's introspection lists it (search index tables included)."""
    hits = []
    like = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
    cast = "TEXT"
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                quoted = f"{connection.ops.quote_name(table)}"
                col = connection.ops.quote_name(column.name)
                cursor.execute(f"SELECT COUNT(*) FROM {quoted} WHERE CAST({col} AS {cast}) {like} %s",  # noqa: S608
                               [f"%{needle}%"])  # fmt: skip
                if cursor.fetchone()[0]:
                    hits.append((table, column.name))
    return hits


def test_every_relation_to_a_person_has_an_erasure_rule():
    """A new model pointing at the user model fails here until ERASE_RULES says what erasure does."""
    relations = set(user_relations())
    missing = sorted(relations - set(ERASE_RULES))
    assert not missing, f"no erasure rule for {missing} (ruche/privacy/services/erasure.py)"
    assert {("posts.Post", "author"), ("posts.Post", "mentions"), ("accounts.User", "groups")} <= relations


def test_every_entry_of_the_personal_data_registry_has_an_erasure_rule():
    """Export and erasure agree on what a person's data is: one registry, one rule per entry."""
    missing = sorted(entry.key for entry in PERSONAL_DATA if entry.key not in ERASE_RULES)
    assert not missing, f"registry entries with no erasure rule: {missing}"


def test_every_rule_but_delete_and_keep_has_code_of_its_own():
    """A plain DELETE is applied generically and KEEP does nothing; any other rule needs its code."""
    for key, rule in ERASE_RULES.items():
        if rule in (Erase.ANONYMISE, Erase.NULL):
            assert key in erasure._HANDLED, key
        if rule == Erase.CONTRIBUTION:
            assert key in erasure._CONTRIBUTIONS, key


def test_no_rule_names_a_relation_that_does_not_exist():
    from django.apps import apps

    relations = set(user_relations())
    for label, name in ERASE_RULES:
        if label.split(".")[0] in apps.app_configs:
            assert (label, name) in relations, f"{label}.{name}: no such relation"


@pytest.mark.django_db(transaction=True)
def test_after_erasure_nothing_in_the_database_names_her(zephyrine, admin, alice, side_effects):
    handle = zephyrine.handle
    assert database_hits(f"{FIRST} {LAST}") and database_hits(EMAIL)  # the test sees what it looks for
    photo = zephyrine.profile.photo.name
    export = DataExport.objects.get(user=zephyrine).file.name
    assert default_storage.exists(photo) and default_storage.exists(export)

    person_erase(user=zephyrine, by=admin, keep_contributions=True)

    assert database_hits(f"{FIRST} {LAST}") == []
    assert database_hits(EMAIL) == []
    assert set(database_hits(LAST)) <= _others_words()  # within her handle, as Alice typed it
    # Her handle stays only where Alice typed it: Alice's post and its search index.
    assert set(database_hits(handle)) <= _others_words(), database_hits(handle)
    assert not default_storage.exists(photo) and not default_storage.exists(export)
    with translation.override(settings.LANGUAGE_CODE):  # stored texts are in the company's language
        assert (
            Notification.objects.get(kind="post_hidden").detail
            == f"Hors sujet, selon {_('a former colleague')}"
        )


def _others_words() -> set[tuple[str, str]]:
    """Where others' own words are kept: posts and their search index."""
    words = {("posts_post", "body"), ("posts_post", "body_html")}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith(("search_post", "search_document")):
                for column in connection.introspection.get_table_description(cursor, table):
                    words.add((table, column.name))
    return words


@pytest.mark.django_db
def test_erasure_deletes_her_own_rows_and_keeps_her_words(
    zephyrine, admin, alice, bruno, client, side_effects
):
    session_key = client.session.session_key
    assert SessionStore(session_key=session_key).load()  # her session, cached and in the database
    with side_effects():
        report = person_erase(user=zephyrine, by=admin, keep_contributions=True)
    z = User.objects.get(pk=zephyrine.pk)
    assert (z.first_name, z.last_name, z.is_active, z.has_usable_password()) == ("", "", False, False)
    assert z.email == f"erased-{z.pk}@erased.invalid" and z.handle == f"former-{z.pk}"
    assert z.is_erased and z.full_name == "a former colleague" and z.deactivated_at
    profile = Profile.objects.get(user=z)
    assert (profile.bio, profile.phone, profile.job_title, profile.photo.name) == ("", "", "", "")
    assert not profile.skills.exists()
    for model, field in ((SignIn, "user"), (ApiToken, "user"), (Bookmark, "user"), (PersonDay, "user")):
        assert not model.objects.filter(**{field: z}).exists(), model
    assert not Notification.objects.filter(recipient=z).exists()
    assert not Notification.objects.filter(actor=z).exists()  # "Zephyrine follows you" is gone
    assert not Session.objects.exists()
    assert SessionStore(session_key=session_key).load() == {}  # the cached copy is gone too
    assert not z.memberships.exists() and not z.following_set.exists() and not z.follower_set.exists()
    assert User.objects.get(pk=alice.pk).follower_count == 0
    # Her words stay, signed by a former colleague; her reaction still counts.
    assert Post.objects.filter(author=z, deleted_at__isnull=True).count() == 2
    assert Reaction.objects.filter(user=z).count() == 1
    # Alice's words stay; the mention no longer links to anyone.
    hello = Post.objects.get(author=alice)
    assert zephyrine.handle in hello.body and "/people/" not in hello.body_html
    assert not hello.mentions.exists()
    entry = AdminLogEntry.objects.filter(action="person_erase").get()
    assert entry.actor == admin and entry.target_user_id == z.pk
    assert FIRST not in entry.target and FIRST not in str(entry.detail)
    assert report.counts["posts.Post.mentions"] == 1 and report.kept_contributions


@pytest.mark.django_db
def test_the_companys_policy_may_delete_her_contributions(zephyrine, admin, alice, side_effects):
    rules = DirectorySettings.current()
    rules.erasure_keeps_contributions = False
    rules.save()
    cache.delete(DirectorySettings.CACHE_KEY)
    hello = Post.objects.get(author=alice)
    assert hello.reply_count == 1
    with side_effects():
        report = person_erase(user=zephyrine, by=admin)
    assert not report.kept_contributions
    assert not Post.objects.filter(author=zephyrine, deleted_at__isnull=True).exists()
    assert not Post.objects.filter(author=zephyrine).exclude(body="").exists()  # their text is gone
    hello.refresh_from_db()
    assert hello.reply_count == 0 and hello.deleted_at is None  # Alice's post stays


@pytest.mark.django_db
def test_search_finds_nothing_of_her_afterwards(zephyrine, admin, alice, client, api_as, side_effects):
    """Her name, her e-mail and her handle find neither her nor anything of hers, on the page and in
    the API, for a colleague and for an administrator; Alice's post that names her handle is
    Alice's words."""
    assert ("person", zephyrine.pk) in _found_on_page(client, alice, FIRST)
    with side_effects():
        person_erase(user=zephyrine, by=admin, keep_contributions=True)
    mine = {("person", zephyrine.pk)} | {(kind, pk) for kind in ("post", "reply", "question")
                                         for pk in Post.objects.filter(author=zephyrine).values_list("pk", flat=True)}  # fmt: skip
    for viewer in (alice, admin):
        for words in (FIRST, LAST, f"{FIRST} {LAST}", EMAIL, zephyrine.handle):
            assert not _found_on_page(client, viewer, words) & mine, words
            answer = api_as(viewer).get("/search/", q=words)
            assert answer.status_code == 200
            found = {(g["kind"], h["id"]) for g in answer.json()["groups"] for h in g["hits"]}
            assert not found & mine, words
            shown = json.dumps(answer.json()["groups"])  # what was found, not the query echoed
            assert f"{FIRST} {LAST}" not in shown and EMAIL not in shown
            assert api_as(viewer).get("/people/", q=words).json()["count"] == 0


def _found_on_page(client, viewer, words: str) -> set[tuple[str, int]]:
    client.force_login(viewer)
    response = client.get("/search/", {"q": words})
    assert response.status_code == 200
    results = response.context["results"]
    return {(group.kind, hit.object.pk) for group in results.groups for hit in group.hits}


@pytest.mark.django_db
def test_refused_for_the_last_admin_for_oneself_and_for_others_than_admins(admin, alice, make_user):
    with pytest.raises(PermissionDenied, match="last active administrator"):
        person_erase(user=admin, by=admin)
    other_admin = make_user("Otto", "Admin", staff=True)
    with pytest.raises(PermissionDenied, match="your own data"):
        person_erase(user=admin, by=admin)
    with pytest.raises(PermissionDenied, match="Only an administrator"):
        person_erase(user=other_admin, by=alice)
    person_erase(user=other_admin, by=admin)
    with pytest.raises(PermissionDenied, match="already been erased"):
        person_erase(user=User.objects.get(pk=other_admin.pk), by=admin)
    assert User.objects.filter(is_staff=True, is_active=True).get() == admin


@pytest.mark.django_db
def test_nothing_is_half_applied(zephyrine, admin, monkeypatch):
    from ruche.privacy.services import erasure

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_anonymise_user", broken)
    with pytest.raises(RuntimeError):
        person_erase(user=zephyrine, by=admin)
    z = User.objects.get(pk=zephyrine.pk)
    assert z.first_name == FIRST and z.is_active and SignIn.objects.filter(user=z).exists()
    assert Profile.objects.get(user=z).photo and Post.objects.filter(author=z).count() == 2


@pytest.mark.django_db
def test_the_page_asks_for_her_email_before_erasing(zephyrine, admin, client, side_effects):
    client.force_login(admin)
    page = client.get(f"/people/{zephyrine.handle}/erase/")
    assert page.status_code == 200
    assert "Erase for good" in page.content.decode() and "Kept, signed by" in page.content.decode()
    wrong = client.post(f"/people/{zephyrine.handle}/erase/", {"email": "someone@example.com"})
    assert wrong.status_code == 400 and "nothing was erased" in wrong.content.decode()
    assert User.objects.get(pk=zephyrine.pk).first_name == FIRST
    with side_effects():
        done = client.post(f"/people/{zephyrine.handle}/erase/", {"email": f" {EMAIL.upper()} "})
    assert done.status_code == 302 and done.url == "/people/admin/"
    assert User.objects.get(pk=zephyrine.pk).is_erased
    profile = client.get(f"/people/former-{zephyrine.pk}/").content.decode()
    assert "a former colleague" in profile and FIRST not in profile


@pytest.mark.django_db
def test_the_page_refuses_others_than_admins_and_oneself(zephyrine, admin, alice, client):
    client.force_login(alice)
    assert client.get(f"/people/{zephyrine.handle}/erase/").status_code == 403
    assert client.post(f"/people/{zephyrine.handle}/erase/", {"email": EMAIL}).status_code == 403
    assert "Erase this person" not in client.get(f"/people/{zephyrine.handle}/").content.decode()
    client.force_login(admin)
    assert "Erase this person's data" in client.get(f"/people/{zephyrine.handle}/").content.decode()
    own = client.post(f"/people/{admin.handle}/erase/", {"email": admin.email})
    assert own.status_code == 409 and "last active administrator" in own.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


@pytest.mark.django_db
def test_the_api_erases_for_an_admin_token_only(zephyrine, admin, alice, api_as, side_effects):
    refused = api_as(alice).delete(f"/people/{zephyrine.handle}/personal-data")
    assert refused.status_code == 403
    assert api_as(admin).delete("/people/nobody-here/personal-data").status_code == 404
    assert api_as(admin).delete(f"/people/{admin.handle}/personal-data").status_code == 403
    with side_effects():
        done = api_as(admin).delete(f"/people/{zephyrine.handle}/personal-data")
    assert done.status_code == 200
    assert done.json() == {"handle": f"former-{zephyrine.pk}", "kept_contributions": True}
    assert not ApiToken.objects.filter(user=zephyrine).exists()


@pytest.mark.django_db
def test_texts_are_rewritten_whole_words_only(make_user, admin, alice, bruno):
    ana = make_user("Ana", "Li", handle="ana", email="ana@example.com")
    told = Notification.objects.create(
        recipient=alice, actor=bruno, kind="post_hidden", detail="Banana, says ana"
    )
    SearchDay.objects.create(day="2026-01-05", query="banana", searches=1)
    SearchDay.objects.create(day="2026-01-05", query="ana li", searches=1)
    person_erase(user=ana, by=admin)
    told.refresh_from_db()
    with translation.override(settings.LANGUAGE_CODE):
        assert told.detail == f"Banana, says {_('a former colleague')}"
    assert list(SearchDay.objects.values_list("query", flat=True)) == ["banana"]


@pytest.mark.django_db
def test_deleting_contributions_takes_her_ideas_too(campaign, author, admin, manager, client, side_effects):
    from ruche.ideas.models import Idea
    from ruche.ideas.services import idea_submit

    with side_effects():
        idea = idea_submit(
            campaign=campaign, author=author, title="Des vélos au dépôt", description="Pour tous"
        )
        person_erase(user=author, by=admin, keep_contributions=False)
    idea = Idea.objects.select_related("post").get(pk=idea.pk)
    assert idea.title == "" and idea.post.body == "" and idea.post.deleted_at
    client.force_login(manager)
    assert "vélos" not in client.get(campaign.get_absolute_url()).content.decode()
