"""Post.version moves with everything a feed card shows, and with nothing else (ruche/posts/versions.py).

Each change goes through the service people use, or the ORM where none exists, so the database's
triggers are what is tested: no service bumps the version itself. Run on SQLite and PostgreSQL.
"""

import io
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.utils import timezone
from PIL import Image

from ruche.accounts.models import Profile, User
from ruche.accounts.services import profile_set_photo, profile_update, user_deactivate
from ruche.communities import services as communities
from ruche.communities.models import Community, Placement
from ruche.files.services import attachment_upload
from ruche.links.models import LinkPreview
from ruche.links.services import preview_fetch
from ruche.posts import versions
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete, post_edit, reaction_remove, reaction_set
from ruche.qa.models import Question
from ruche.qa.services import answer_accept, answer_unaccept, answer_vote, question_ask
from tests.local_sites import LocalSite

ARTICLE = b"""<html><head><meta property="og:title" content="Nouvelle ligne">
<meta property="og:description" content="La vie de l'usine"></head></html>"""


def jpeg(colour=(40, 120, 90)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, "JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def version(post) -> int:
    return Post.objects.values_list("version", flat=True).get(pk=post.pk)


@pytest.fixture
def site(settings):
    with LocalSite({"/later": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)}) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


@pytest.fixture
def w(alice, bruno, chloe, admin, make_community, side_effects, settings, tmp_path, site):
    """Alice's post in a public community, with Chloé's reaction, a photo and Bruno's reply; Chloé's
    post elsewhere; Alice's post waiting for approval; a post whose link preview is not fetched yet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    public = make_community("Atelier", members=[alice, bruno, chloe])
    reviewed = make_community("Relecture", members=[alice], moderators=[chloe], premoderate_posts=True)
    with side_effects():
        post = post_create(author=alice, body="Bonjour", communities=[public])
        reply = post_create(author=bruno, body="Salut", parent=post)
        other = post_create(author=chloe, body="Ailleurs")
        waiting = post_create(author=alice, body="À relire", communities=[reviewed])
        reaction_set(post=post, user=chloe, kind="like")
        _attach(post, alice)
    later = post_create(author=alice, body=f"Bientôt : {site.url('/later')}")  # its fetch never ran
    return SimpleNamespace(**locals())


CHANGES = {
    "text edited": lambda w: post_edit(post=w.post, by=w.alice, body="Bonjour à tous"),
    "reaction added": lambda w: reaction_set(post=w.post, user=w.bruno, kind="like"),
    "reaction kind changed": lambda w: reaction_set(post=w.post, user=w.chloe, kind="bravo"),
    "reaction removed": lambda w: reaction_remove(post=w.post, user=w.chloe),
    "new reply": lambda w: post_create(author=w.chloe, body="Moi aussi", parent=w.post),
    "reply edited": lambda w: post_edit(post=w.reply, by=w.bruno, body="Salut Alice"),
    "reply hidden": lambda w: communities.post_hide(post=w.reply, by=w.admin, reason="Hors sujet"),
    "reply deleted": lambda w: post_delete(post=w.reply, by=w.bruno),
    "reply removed from the database": lambda w: Post.objects.filter(pk=w.reply.pk).delete(),
    "reaction on a reply": lambda w: reaction_set(post=w.reply, user=w.chloe, kind="funny"),
    "attachment added": lambda w: _attach(w.post, w.alice),
    "attachment removed": lambda w: post_edit(post=w.post, by=w.alice, body=w.post.body, attachments=[]),
    "attachment added to a reply": lambda w: _attach(w.reply, w.bruno),
    "placed in a community": lambda w: Placement.objects.create(post=w.post, community=w.reviewed),
    "removed from a community": lambda w: Placement.objects.filter(post=w.post).delete(),
    "community renamed": lambda w: communities.community_update(
        community=w.public, by=w.public.created_by, name="Atelier central"
    ),
    "community made private": lambda w: Community.objects.filter(pk=w.public.pk).update(visibility="private"),
    "author renamed": lambda w: profile_update(profile=w.alice.profile, by=w.alice, first_name="Alicia"),
    "author's handle changed": lambda w: User.objects.filter(pk=w.alice.pk).update(handle="alicia"),
    "author deactivated": lambda w: user_deactivate(user=w.alice, by=w.admin),
    "author's job title": lambda w: profile_update(profile=w.alice.profile, by=w.alice, job_title="Cheffe"),
    "author's photo": lambda w: profile_set_photo(profile=w.alice.profile, by=w.alice, upload=jpeg()),
    "reply author renamed": lambda w: profile_update(profile=w.bruno.profile, by=w.bruno, last_name="Lef"),
    "reply author's photo": lambda w: profile_set_photo(profile=w.bruno.profile, by=w.bruno, upload=jpeg()),
    "hidden by moderation": lambda w: communities.post_hide(post=w.post, by=w.admin, reason="Hors sujet"),
    "deleted": lambda w: post_delete(post=w.post, by=w.alice),
    "a count moved by a queryset update": lambda w: Post.objects.filter(pk=w.post.pk).update(
        share_count=F("share_count") + 1
    ),
}


def _attach(holder, by):
    upload = attachment_upload(uploader=by, upload=jpeg())
    post_edit(post=holder, by=by, body=holder.body, attachments=[upload.pk])


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_the_card_shows_moves_the_version(w, change, side_effects):
    before = version(w.post)
    with side_effects():
        CHANGES[change](w)
    assert version(w.post) > before


def test_unhidden_by_moderation_moves_the_version(w):
    communities.post_hide(post=w.post, by=w.admin, reason="Hors sujet")
    hidden = version(w.post)
    communities.post_hide(post=Post.objects.get(pk=w.post.pk), by=w.admin, reason="", hide=False)
    assert version(w.post) > hidden


def test_a_pending_placement_approved_moves_the_version(w):
    placement = Placement.objects.get(post=w.waiting)
    before = version(w.waiting)
    communities.placement_decide(placement=placement, by=w.chloe, approve=True)
    assert version(w.waiting) > before


def test_a_link_preview_fetched_then_updated_moves_the_version(w):
    before = version(w.later)
    assert preview_fetch(w.later.link_preview_id)
    assert LinkPreview.objects.get(pk=w.later.link_preview_id).title == "Nouvelle ligne"
    fetched = version(w.later)
    assert fetched > before
    LinkPreview.objects.filter(pk=w.later.link_preview_id).update(title="Ligne de peinture")
    assert version(w.later) > fetched


def _accept(q):
    answer_accept(by=q.asker, answer=q.answer)


QUESTION_CHANGES = {  # (what is there before, the change)
    "an answer accepted": (None, _accept),
    "the acceptance undone": (_accept, lambda q: answer_unaccept(by=q.asker, answer=q.answer)),
    "a vote for an answer": (None, lambda q: answer_vote(user=q.voter, answer=q.answer)),
    "its question row changed by a queryset update": (
        None,
        lambda q: Question.objects.filter(pk=q.post.pk).update(first_answer_at=None),
    ),
    "its question row removed": (None, lambda q: Question.objects.filter(pk=q.post.pk).delete()),
}


@pytest.mark.parametrize("change", QUESTION_CHANGES)
def test_a_change_of_a_question_moves_its_version(alice, bruno, chloe, side_effects, change):
    """A question's card shows its state (answered, resolved, the accepted answer first) and votes."""
    prepare, apply = QUESTION_CHANGES[change]
    with side_effects():
        post = question_ask(author=alice, body="Qui connaît l'ISO 9001 ?")
        answer = post_create(author=bruno, body="Moi", parent=post)
        q = SimpleNamespace(post=post, answer=answer, asker=alice, voter=chloe)
        if prepare:
            prepare(q)
        before = version(post)
        apply(q)
    assert version(post) > before


NOT_SHOWN = {
    "the author seen again, as the middleware writes it": lambda w: User.objects.filter(pk=w.alice.pk).update(
        last_seen_at=timezone.now()
    ),
    "a column of the author's the card does not show": lambda w: User.objects.filter(pk=w.alice.pk).update(
        feed_built_at=timezone.now(), follower_count=F("follower_count") + 1, language="fr"
    ),
    "the author saved with nothing changed": lambda w: User.objects.get(pk=w.alice.pk).save(),
    "the author's profile saved with nothing changed": lambda w: Profile.objects.get(pk=w.alice.pk).save(),
    "the author's bio": lambda w: Profile.objects.filter(pk=w.alice.pk).update(bio="Ingénieure"),
    "a reaction on another post": lambda w: reaction_set(post=w.other, user=w.alice, kind="love"),
    "a reply to another post": lambda w: post_create(author=w.bruno, body="Oui", parent=w.other),
    "the community's activity touched": lambda w: Community.objects.filter(pk=w.public.pk).update(
        last_activity_at=timezone.now(), member_count=F("member_count") + 1
    ),
    "the post saved with nothing changed": lambda w: Post.objects.get(pk=w.post.pk).save(),
    "a link preview's fetch time": lambda w: LinkPreview.objects.filter(pk=w.later.link_preview_id).update(
        fetched_at=timezone.now()
    ),
}


@pytest.mark.parametrize("change", NOT_SHOWN)
def test_what_the_card_does_not_show_keeps_the_version(w, change, side_effects):
    posts = (w.post, w.reply, w.later)
    before = [version(p) for p in posts]
    with side_effects():
        NOT_SHOWN[change](w)
    assert [version(p) for p in posts] == before


def test_a_stale_save_never_moves_the_version_back(w):
    stale = Post.objects.get(pk=w.post.pk)
    reaction_set(post=w.post, user=w.bruno, kind="like")
    reacted = version(w.post)
    stale.save()  # writes the version it read, older than the reaction's
    assert version(w.post) > reacted


# The triggers know every column they must; a new one is refused until it is placed on a side.
USER_NOT_SHOWN = {
    "id", "password", "last_login", "is_superuser", "language", "is_staff", "is_animator",
    "is_announcer", "is_analyst", "date_joined", "invited_at", "invited_by_id", "activated_at", "source",
    "directory_id", "last_seen_at", "follower_count", "feed_built_at", "feed_horizon", "feed_filter",
    "feed_order", "feed_seen_up_to", "feed_unread_after", "feed_opened_at", "search_text",
}  # fmt: skip
PROFILE_NOT_SHOWN = {
    "user_id",
    "department_id",
    "site_id",
    "manager_id",
    "phone",
    "bio",
    "ask_me_about",
    "languages",
}


def _columns(model) -> set[str]:
    return {f.column for f in model._meta.concrete_fields}


def test_every_post_column_is_compared():
    """PostgreSQL compares whole rows; SQLite's trigger names each column."""
    assert set(versions.POST_COLUMNS) == _columns(Post) - {"id", "version"}


def test_every_user_and_profile_column_is_placed_on_a_side():
    assert set(versions.USER_SHOWN) | USER_NOT_SHOWN == _columns(User)
    assert not set(versions.USER_SHOWN) & USER_NOT_SHOWN
    assert set(versions.PROFILE_SHOWN) | PROFILE_NOT_SHOWN == _columns(Profile)
    assert not set(versions.PROFILE_SHOWN) & PROFILE_NOT_SHOWN


@pytest.mark.django_db
def test_every_trigger_is_there_after_all_migrations():
    """On SQLite a migration that rebuilds a watched table drops its triggers: this says so."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'post_version%'"
            )
            assert sorted(r[0] for r in cursor.fetchall()) == sorted(versions.SQLITE_TRIGGERS)
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'post_version%'")
            assert sorted(r[0] for r in cursor.fetchall()) == sorted(
                n for n, _t in versions.POSTGRESQL_TRIGGERS
            )


def test_another_database_is_refused():
    with pytest.raises(NotImplementedError, match="SQLite and PostgreSQL only"):
        versions.install(SimpleNamespace(connection=SimpleNamespace(vendor="mysql")))
