import pytest
from django.contrib.auth.models import AnonymousUser

from ruche.accounts.services import user_deactivate
from ruche.posts import policies
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete

pytestmark = pytest.mark.django_db


def test_colleagues_see_live_posts_only(alice, bruno):
    post = post_create(author=alice, body="Bonjour")
    reply = post_create(author=bruno, body="Salut", parent=post)
    assert policies.can_view_post(bruno, post) and policies.can_view_post(alice, reply)
    assert not policies.can_view_post(AnonymousUser(), post)
    post_delete(post=post, by=alice)
    post.refresh_from_db()
    reply = Post.objects.select_related("parent").get(pk=reply.pk)
    assert not policies.can_view_post(bruno, post)
    assert not policies.can_view_post(alice, reply)  # its post is gone
    assert not policies.can_reply(bruno, post) and not policies.can_react(bruno, post)


def test_visible_posts_narrows_in_sql(alice, bruno, admin):
    kept = post_create(author=alice, body="Reste")
    gone = post_create(author=alice, body="Parti")
    post_delete(post=gone, by=alice)
    assert list(policies.visible_posts(bruno, Post.objects.all())) == [kept]
    assert list(policies.visible_posts(AnonymousUser(), Post.objects.all())) == []
    user_deactivate(user=bruno, by=admin)
    assert list(policies.visible_posts(bruno, Post.objects.all())) == []


def test_edit_is_for_the_author_delete_also_for_admins(alice, bruno, admin):
    post = post_create(author=alice, body="À moi")
    assert policies.can_edit_post(alice, post) and not policies.can_edit_post(bruno, post)
    assert not policies.can_edit_post(admin, post)
    assert policies.can_delete_post(alice, post) and policies.can_delete_post(admin, post)
    assert not policies.can_delete_post(bruno, post)
    user_deactivate(user=alice, by=admin)
    assert not policies.can_edit_post(alice, post) and not policies.can_delete_post(alice, post)


def test_a_former_colleague_cannot_be_mentioned_usefully(alice, bruno, admin):
    post = post_create(author=alice, body="Bonjour")
    assert policies.can_mention(bruno, post)
    user_deactivate(user=bruno, by=admin)
    assert not policies.can_mention(bruno, post)
