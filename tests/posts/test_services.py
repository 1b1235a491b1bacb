import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ruche.feed.models import FeedEntry
from ruche.notifications.models import Notification
from ruche.posts import services
from ruche.posts.models import Hashtag, Post, Reaction

pytestmark = pytest.mark.django_db


def test_post_renders_markdown_mentions_and_hashtags(alice, bruno):
    post = services.post_create(author=alice, body="Bravo @bruno.lefevre pour la **démo** #Qualité")
    assert '<a href="/people/bruno.lefevre/" class="mention" title="@bruno.lefevre"' in post.body_html
    assert ">Bruno Lefèvre</a>" in post.body_html and "@bruno.lefevre</a>" not in post.body_html
    assert post.body.startswith("Bravo @bruno.lefevre")  # the text written keeps the handle
    assert '<a href="/tags/qualite/" class="hashtag"' in post.body_html
    assert "<strong>démo</strong>" in post.body_html
    assert list(post.mentions.all()) == [bruno]
    assert [t.key for t in post.hashtags.all()] == ["qualite"]


def test_hashtag_identity_ignores_case_and_accents(alice):
    services.post_create(author=alice, body="#Qualité")
    services.post_create(author=alice, body="#qualite et #QUALITE")
    assert Hashtag.objects.count() == 1
    assert Hashtag.objects.get().posts.count() == 2


def test_unknown_mention_stays_plain_text(alice):
    post = services.post_create(author=alice, body="Merci @personne.inconnue !")
    assert "mention" not in post.body_html
    assert "@personne.inconnue" in post.body_html
    assert post.mentions.count() == 0


def test_script_never_survives(alice):
    post = services.post_create(
        author=alice, body='<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )
    html = post.body_html
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as the text the author typed


@pytest.mark.parametrize("body", ["", "   \n  ", "x" * 10_001])
def test_empty_or_too_long_post_is_refused_and_nothing_is_saved(alice, body):
    with pytest.raises(ValidationError) as error:
        services.post_create(author=alice, body=body)
    assert "body" in error.value.message_dict
    assert Post.objects.count() == 0


def test_double_submit_creates_one_post(alice):
    token = uuid.uuid4()
    first = services.post_create(author=alice, body="Une fois", client_token=token)
    second = services.post_create(author=alice, body="Une fois", client_token=token)
    assert first.pk == second.pk
    assert Post.objects.count() == 1


def test_new_post_is_at_once_in_the_authors_feed(alice):
    post = services.post_create(author=alice, body="Hello")
    assert FeedEntry.objects.filter(user=alice, post=post, reason="own").exists()


def test_reply_is_one_level_deep_and_counted(alice, bruno):
    post = services.post_create(author=alice, body="Question ?")
    reply = services.post_create(author=bruno, body="Réponse", parent=post)
    nested = services.post_create(author=alice, body="Merci", parent=reply)
    assert nested.parent_id == post.pk
    post.refresh_from_db()
    assert post.reply_count == 2


def test_edit_keeps_history_and_marks_edited(alice):
    post = services.post_create(author=alice, body="Première version")
    services.post_edit(post=post, by=alice, body="Seconde version")
    post.refresh_from_db()
    assert post.edited_at is not None
    assert post.body == "Seconde version"
    assert [r.body for r in post.revisions.all()] == ["Première version"]


def test_someone_else_cannot_edit_or_delete(alice, bruno):
    post = services.post_create(author=alice, body="À moi")
    with pytest.raises(PermissionDenied):
        services.post_edit(post=post, by=bruno, body="Piraté")
    with pytest.raises(PermissionDenied):
        services.post_delete(post=post, by=bruno)
    post.refresh_from_db()
    assert post.body == "À moi" and post.deleted_at is None


def test_admin_can_delete_any_post(alice, admin, side_effects):
    post = services.post_create(author=alice, body="Hors charte")
    with side_effects():
        services.post_delete(post=post, by=admin)
    post.refresh_from_db()
    assert post.deleted_at is not None
    assert not FeedEntry.objects.filter(post=post).exists()


def test_deleting_a_reply_updates_the_count(alice, bruno):
    post = services.post_create(author=alice, body="Q")
    reply = services.post_create(author=bruno, body="R", parent=post)
    services.post_delete(post=reply, by=bruno)
    post.refresh_from_db()
    assert post.reply_count == 0


def test_reaction_set_change_and_remove(alice, bruno):
    post = services.post_create(author=alice, body="Hello")
    services.reaction_set(post=post, user=bruno, kind="like")
    services.reaction_set(post=post, user=bruno, kind="bravo")
    post.refresh_from_db()
    assert post.reaction_count == 1
    assert Reaction.objects.get().kind == "bravo"
    services.reaction_remove(post=post, user=bruno)
    post.refresh_from_db()
    assert post.reaction_count == 0


def test_unknown_reaction_kind_is_refused(alice, bruno):
    post = services.post_create(author=alice, body="Hello")
    with pytest.raises(ValidationError):
        services.reaction_set(post=post, user=bruno, kind="angry")
    assert not Reaction.objects.exists()


def test_cannot_reply_to_deleted_post(alice, bruno):
    post = services.post_create(author=alice, body="Hello")
    services.post_delete(post=post, by=alice)
    with pytest.raises(PermissionDenied):
        services.post_create(author=bruno, body="Trop tard", parent=post)


def test_edit_notifies_only_newly_mentioned(alice, bruno, make_user, side_effects):
    chloe = make_user("Chloé", "Petit")
    with side_effects():
        post = services.post_create(author=alice, body="Salut @bruno.lefevre")
    with side_effects():
        services.post_edit(post=post, by=alice, body="Salut @bruno.lefevre et @chloe.petit")
    assert Notification.objects.filter(recipient=bruno, kind="mention").count() == 1
    assert Notification.objects.filter(recipient=chloe, kind="mention").count() == 1
