"""Every activity is recorded by the real service that makes it, in its transaction."""

import pytest
from django.db import transaction

from ruche.accounts.services import user_follow
from ruche.activities.models import Activity
from ruche.communities.services import community_invite, community_join, community_leave, invitation_answer
from ruche.ideas.services import idea_move
from ruche.posts.services import post_create, post_delete, post_edit, post_share, reaction_set
from ruche.qa.services import answer_accept, question_ask
from tests.fixtures.ideas import stage

Type, Kind = Activity.Type, Activity.Kind


def test_posts_replies_edits_deletions_reactions_and_shares(alice, bruno, recorded):
    post = post_create(author=alice, body="Bonjour")
    reply = post_create(author=bruno, body="Salut", parent=post)
    post_edit(post=post, by=alice, body="Bonjour à tous")
    reaction_set(post=post, user=bruno, kind="bravo")
    reaction_set(post=post, user=bruno, kind="like")  # changing its kind is not news
    share = post_share(author=bruno, original=post, body="À lire")
    post_delete(post=reply, by=bruno)
    assert recorded() == [
        (Type.CREATE, alice.pk, Kind.POST, post.pk),
        (Type.CREATE, bruno.pk, Kind.POST, reply.pk),
        (Type.UPDATE, alice.pk, Kind.POST, post.pk),
        (Type.LIKE, bruno.pk, Kind.POST, post.pk),
        (Type.ANNOUNCE, bruno.pk, Kind.POST, share.pk),
        (Type.DELETE, bruno.pk, Kind.POST, reply.pk),
    ]
    assert Activity.objects.get(type=Type.LIKE).detail == {"reaction": "bravo"}


def test_follows_joins_and_leaves(alice, bruno, make_community, secret, recorded):
    community = make_community("Vélo")
    user_follow(follower=alice, followed=bruno)
    community_join(community=community, user=alice)
    community_leave(community=community, user=alice)
    invitation = community_invite(community=secret, by=secret.created_by, user=bruno)
    invitation_answer(invitation=invitation, user=bruno, accept=True)
    assert recorded() == [
        (Type.FOLLOW, alice.pk, Kind.PERSON, bruno.pk),
        (Type.JOIN, alice.pk, Kind.COMMUNITY, community.pk),
        (Type.LEAVE, alice.pk, Kind.COMMUNITY, community.pk),
        (Type.JOIN, bruno.pk, Kind.COMMUNITY, secret.pk),
    ]
    assert Activity.objects.filter(type=Type.JOIN, community=secret).exists()


def test_an_accepted_answer(alice, bruno, recorded):
    question = question_ask(author=alice, body="Qui connaît la GMAO ?")
    answer = post_create(author=bruno, body="Moi.", parent=question)
    answer_accept(by=alice, answer=answer)
    assert recorded()[-1] == (Type.ACCEPT, alice.pk, Kind.POST, answer.pk)


def test_an_idea_submitted_then_moved(idea, manager, recorded):
    idea_move(idea=idea, stage=stage(idea.campaign, "Shortlisted"), by=manager)
    assert recorded() == [
        (Type.ADD, idea.author_id, Kind.IDEA, idea.pk),
        (Type.MOVE, manager.pk, Kind.IDEA, idea.pk),
    ]  # the idea's own post is not a second Create
    moved = Activity.objects.get(type=Type.MOVE)
    assert moved.detail == {"origin": "Submitted", "target": "Shortlisted"}
    assert moved.post_id == idea.pk


def test_a_rollback_takes_the_activity_away(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        post_create(author=alice, body="Bientôt annulé")
        raise RuntimeError
    assert not Activity.objects.exists()
