import pytest

from ruche.accounts.services import user_deactivate, user_follow
from ruche.notifications import services
from ruche.notifications.models import Notification
from ruche.notifications.selectors import notifications_for, unread_count
from ruche.posts.services import post_create, post_delete, post_edit, reaction_remove, reaction_set

pytestmark = pytest.mark.django_db


def received(user) -> list[tuple[str, str]]:
    """(kind, actor's first name) of what `user` was told, oldest first."""
    return [
        (n.kind, n.actor.first_name)
        for n in Notification.objects.filter(recipient=user).select_related("actor").order_by("id")
    ]


def test_mention(alice, bruno, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Merci @bruno.lefevre !")
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor, notification.post) == (
        bruno, "mention", alice, post,
    )  # fmt: skip
    assert notification.read_at is None and notification.actor_count == 1


def test_mentions_in_code_or_of_unknown_people_notify_nobody(alice, bruno, side_effects):
    with side_effects():
        post_create(author=alice, body="`@bruno.lefevre` et @personne.inconnue")
    assert not Notification.objects.exists()


def test_reply_to_my_post(alice, bruno, side_effects):
    post = post_create(author=alice, body="Question ?")
    with side_effects():
        reply = post_create(author=bruno, body="Réponse", parent=post)
    assert received(alice) == [("reply", "Bruno")]
    assert Notification.objects.get().post == reply


def test_reply_in_a_thread_i_took_part_in(alice, bruno, chloe, david, side_effects):
    post = post_create(author=alice, body="Question ?")
    with side_effects():
        post_create(author=bruno, body="Première réponse", parent=post)
        post_create(author=chloe, body="Deuxième", parent=post)
        post_create(author=bruno, body="Je complète", parent=post)
        post_create(author=david, body="Et moi", parent=post)
    assert received(alice) == [("reply", "Bruno"), ("reply", "Chloé"), ("reply", "Bruno"), ("reply", "David")]
    assert received(bruno) == [("thread_reply", "Chloé"), ("thread_reply", "David")]
    assert received(chloe) == [("thread_reply", "Bruno"), ("thread_reply", "David")]
    assert received(david) == []


def test_the_post_author_who_replies_in_the_thread_gets_one_notification(alice, bruno, side_effects):
    post = post_create(author=alice, body="Question ?")
    with side_effects():
        post_create(author=alice, body="Précision", parent=post)
        post_create(author=bruno, body="Réponse", parent=post)
    assert received(alice) == [("reply", "Bruno")]


def test_someone_mentioned_in_a_reply_is_told_once(alice, bruno, chloe, side_effects):
    post = post_create(author=alice, body="Question ?")
    with side_effects():
        post_create(author=chloe, body="Idée", parent=post)
        post_create(author=bruno, body="D'accord avec @chloe.petit et @alice.martin", parent=post)
    assert received(chloe) == [("mention", "Bruno")]
    assert received(alice) == [("reply", "Chloé"), ("mention", "Bruno")]


def test_never_told_of_ones_own_actions(alice, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Note à moi-même @alice.martin")
        post_create(author=alice, body="Je me réponds", parent=post)
        reaction_set(post=post, user=alice, kind="like")
    assert not Notification.objects.exists()


def test_a_former_colleague_is_not_notified(alice, bruno, admin, side_effects):
    post = post_create(author=bruno, body="Avant de partir")
    user_deactivate(user=bruno, by=admin)
    with side_effects():
        post_create(author=alice, body="Merci @bruno.lefevre", parent=post)
        reaction_set(post=post, user=alice, kind="bravo")
        post_create(author=alice, body="Bon vent @bruno.lefevre")
    assert not Notification.objects.exists()


def test_follow(alice, bruno, side_effects):
    with side_effects():
        user_follow(follower=alice, followed=bruno)
        user_follow(follower=alice, followed=bruno)
    assert received(bruno) == [("follow", "Alice")]
    assert Notification.objects.get().post is None


def test_edit_mentioning_someone_new_tells_only_them(alice, bruno, chloe, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Salut @bruno.lefevre")
    with side_effects():
        post_edit(post=post, by=alice, body="Salut @bruno.lefevre et @chloe.petit")
        post_edit(post=post, by=alice, body="Salut @bruno.lefevre, @chloe.petit !")
    assert received(bruno) == [("mention", "Alice")]
    assert received(chloe) == [("mention", "Alice")]


def test_reactions_are_grouped_while_unread(alice, bruno, chloe, david, make_user, side_effects):
    emma = make_user("Emma", "Blanc")
    post = post_create(author=alice, body="Nouveau site !")
    other = post_create(author=alice, body="Autre sujet")
    with side_effects():
        for person, kind in [(bruno, "like"), (chloe, "bravo"), (david, "love"), (emma, "like")]:
            reaction_set(post=post, user=person, kind=kind)
        reaction_set(post=post, user=bruno, kind="funny")  # a change of mind is no news
        reaction_set(post=other, user=chloe, kind="like")
    rows = Notification.objects.filter(recipient=alice, post=post)
    assert rows.count() == 1
    grouped = rows.get()
    assert (grouped.kind, grouped.actor, grouped.actor_count) == ("reaction", emma, 4)
    assert Notification.objects.get(post=other).actor_count == 1
    assert unread_count(alice) == 2


def test_a_reaction_after_reading_makes_a_new_row(alice, bruno, chloe, side_effects):
    post = post_create(author=alice, body="Nouveau site !")
    with side_effects():
        reaction_set(post=post, user=bruno, kind="like")
    first = Notification.objects.get()
    services.notification_mark_read(user=alice, notification_id=first.pk)
    with side_effects():
        reaction_set(post=post, user=chloe, kind="bravo")
    rows = list(Notification.objects.filter(recipient=alice).order_by("id"))
    assert len(rows) == 2
    assert rows[0].pk == first.pk and rows[0].read_at is not None
    assert rows[1].read_at is None and rows[1].actor == chloe and rows[1].actor_count == 2


def test_reaction_removed_and_given_again_does_not_duplicate(alice, bruno, side_effects):
    post = post_create(author=alice, body="Hello")
    with side_effects():
        reaction_set(post=post, user=bruno, kind="like")
        reaction_remove(post=post, user=bruno)
        reaction_set(post=post, user=bruno, kind="like")
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 1
    assert Notification.objects.get().actor_count == 1


def test_notifications_about_deleted_posts_are_not_listed_nor_counted(alice, bruno, side_effects):
    with side_effects():
        post = post_create(author=bruno, body="Bonjour @alice.martin")
        kept = post_create(author=bruno, body="Encore @alice.martin")
        question = post_create(author=alice, body="Question")
        reply = post_create(author=bruno, body="Réponse", parent=question)
        user_follow(follower=bruno, followed=alice)
    assert unread_count(alice) == 4
    post_delete(post=post, by=bruno)
    post_delete(post=question, by=alice)  # the reply goes with it
    listed = notifications_for(alice).items
    assert [(n.kind, n.post_id) for n in listed] == [("follow", None), ("mention", kept.pk)]
    assert reply.pk not in [n.post_id for n in listed]
    assert unread_count(alice) == 2


def test_a_deleted_post_notifies_nobody(alice, bruno, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Oups @bruno.lefevre")
        post_delete(post=post, by=alice)
    assert not Notification.objects.exists()


def test_mark_read_touches_only_ones_own(alice, bruno, side_effects):
    with side_effects():
        post_create(author=alice, body="@bruno.lefevre")
        post_create(author=bruno, body="@alice.martin")
    to_bruno = Notification.objects.get(recipient=bruno)
    assert services.notification_mark_read(user=alice, notification_id=to_bruno.pk) == 0
    assert services.notifications_mark_all_read(user=alice) == 1
    to_bruno.refresh_from_db()
    assert to_bruno.read_at is None and unread_count(alice) == 0 and unread_count(bruno) == 1
