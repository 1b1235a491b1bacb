"""Preferences: quiet defaults, per kind and channel, per community, muted conversations; the page."""

import pytest
from django.core.exceptions import ValidationError

from ruche.communities.models import Community
from ruche.notifications.models import (
    CommunityPreference,
    DigestPreference,
    Email,
    KindPreference,
    Notification,
    ThreadMute,
)
from ruche.notifications.preferences import channels_for, kind_channels
from ruche.notifications.services import (
    community_level_set,
    digest_frequency_set,
    preference_set,
    thread_mute,
)
from ruche.posts.services import post_create, reaction_set

pytestmark = pytest.mark.django_db


def test_defaults_are_quiet_and_nothing_is_stored(alice):
    table = kind_channels(alice)
    assert table["mention"] == {"in_app": True, "email": True, "digest": True}
    assert table["reply"]["email"] and table["join_request"]["email"] and table["expert_asked"]["email"]
    assert table["answer_accepted"]["email"]
    assert table["reaction"] == {"in_app": True, "email": False, "digest": False}
    assert table["follow"]["email"] is False and table["thread_reply"]["email"] is False
    assert not KindPreference.objects.exists() and not DigestPreference.objects.exists()


def test_only_deviations_are_stored(alice):
    preference_set(user=alice, kind="reaction", channel="email", enabled=True)
    assert KindPreference.objects.get().enabled is True
    assert "email" in channels_for(alice.pk, "reaction")
    preference_set(user=alice, kind="reaction", channel="email", enabled=False)  # back to the default
    assert not KindPreference.objects.exists()
    digest_frequency_set(user=alice, frequency="daily")
    assert DigestPreference.objects.get().frequency == "daily"
    digest_frequency_set(user=alice, frequency="weekly")
    assert not DigestPreference.objects.exists()


@pytest.mark.parametrize(
    "call,field",
    [
        (lambda u: preference_set(user=u, kind="nope", channel="email", enabled=False), "kind"),
        (lambda u: preference_set(user=u, kind="mention", channel="pigeon", enabled=False), "channel"),
        (lambda u: digest_frequency_set(user=u, frequency="hourly"), "frequency"),
    ],
)
def test_bad_input_is_refused(alice, call, field):
    with pytest.raises(ValidationError) as error:
        call(alice)
    assert field in error.value.message_dict


def test_in_app_off_means_no_notification(alice, bruno, side_effects):
    preference_set(user=alice, kind="mention", channel="in_app", enabled=False)
    with side_effects():
        post_create(author=bruno, body="Salut @alice.martin")
    assert not Notification.objects.filter(recipient=alice).exists() and not Email.objects.exists()


def test_email_off_keeps_the_app(alice, bruno, side_effects):
    preference_set(user=alice, kind="mention", channel="email", enabled=False)
    with side_effects():
        post_create(author=bruno, body="Salut @alice.martin")
    assert Notification.objects.filter(recipient=alice).count() == 1 and not Email.objects.exists()


def test_a_muted_conversation_is_silent(alice, bruno, make_user, side_effects):
    chloe = make_user("Chloé", "Test")
    with side_effects():
        post = post_create(author=alice, body="Qui vient ?")
        first = post_create(author=bruno, body="Moi", parent=post)
    thread_mute(user=alice, post=first)  # muting from a reply mutes the conversation
    assert ThreadMute.objects.get(user=alice).post == post
    with side_effects():
        post_create(author=chloe, body="Moi aussi", parent=post)
        reaction_set(post=post, user=chloe, kind="like")
        post_create(author=chloe, body="Ailleurs, @alice.martin")  # another conversation still comes
    kinds = Notification.objects.filter(recipient=alice).order_by("id").values_list("kind", flat=True)
    assert list(kinds) == ["reply", "mention"]


def test_muting_needs_to_see_the_post(alice, bruno, make_community, side_effects):
    secret = make_community("Secret", visibility=Community.Visibility.SECRET, owner=bruno)
    with side_effects():
        post = post_create(author=bruno, body="Privé", communities=[secret])
    with pytest.raises(ValidationError):
        thread_mute(user=alice, post=post)


@pytest.fixture
def club(alice, bruno, make_community):
    return make_community("Club photo", members=[alice, bruno])


def test_a_muted_community_is_silent_but_others_are_not(alice, bruno, club, make_community, side_effects):
    community_level_set(user=alice, community=club, level="mute")
    other = make_community("Club vélo", members=[alice, bruno])
    with side_effects():
        post_create(author=bruno, body="Photo du jour @alice.martin", communities=[club])
        post_create(author=bruno, body="Sortie @alice.martin", communities=[other])
        # Published in a muted and in an open community: the open one wins.
        post_create(author=bruno, body="Les deux @alice.martin", communities=[club, other])
    bodies = Notification.objects.filter(recipient=alice).values_list("post__body", flat=True)
    assert sorted(bodies) == ["Les deux @alice.martin", "Sortie @alice.martin"]


def test_highlights_keep_what_is_addressed_to_me(alice, bruno, club, make_user, side_effects):
    chloe = make_user("Chloé", "Test")
    community_level_set(user=alice, community=club, level="highlights")
    with side_effects():
        mine = post_create(author=alice, body="Ma photo", communities=[club])
        theirs = post_create(author=bruno, body="Sa photo", communities=[club])
        post_create(author=alice, body="Jolie", parent=theirs)
        post_create(author=chloe, body="Oui", parent=theirs)  # chatter: left out
        reaction_set(post=mine, user=bruno, kind="like")  # chatter: left out
        post_create(author=bruno, body="Merci", parent=mine)  # a reply to me: comes
        post_create(author=bruno, body="@alice.martin regarde", communities=[club])  # comes
    kinds = sorted(Notification.objects.filter(recipient=alice).values_list("kind", flat=True))
    assert kinds == ["mention", "reply"]
    assert CommunityPreference.objects.get().level == "highlights"
    community_level_set(user=alice, community=club, level="all")
    assert not CommunityPreference.objects.exists()


def test_community_mute_silences_join_requests_too(alice, bruno, make_community, side_effects):
    from ruche.communities.services import join_request_create

    closed = make_community("Fermé", visibility=Community.Visibility.PRIVATE, owner=alice)
    community_level_set(user=alice, community=closed, level="mute")
    with side_effects():
        join_request_create(community=closed, user=bruno)
    assert not Notification.objects.filter(recipient=alice).exists()


def test_join_requests_are_emailed_by_default(alice, bruno, make_community, side_effects):
    from ruche.communities.services import join_request_create

    closed = make_community("Fermé", visibility=Community.Visibility.PRIVATE, owner=alice)
    with side_effects():
        join_request_create(community=closed, user=bruno)
    assert Notification.objects.get(recipient=alice).kind == "join_request"
    assert Email.objects.get(recipient=alice).thread == f"community:{closed.pk}:join_request"


# The page --------------------------------------------------------------------------------------


def test_preferences_page_lists_and_saves_everything(client, alice, bruno, club, side_effects):
    with side_effects():
        post = post_create(author=bruno, body="Un fil à couper")
    thread_mute(user=alice, post=post)
    client.force_login(alice)
    page = client.get("/notifications/preferences/").content.decode()
    assert 'name="mention:email" id="mention-email" checked' in page
    assert 'name="reaction:email" id="reaction-email"  aria' in page
    assert "Club photo" in page and "Un fil à couper" in page
    data = {k: "on" for k in ("mention:in_app", "mention:digest", "reply:in_app", "reply:email")}
    data |= {"frequency": "daily", f"community-{club.pk}": "highlights"}
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 302
    table = kind_channels(alice)
    assert table["mention"] == {"in_app": True, "email": False, "digest": True}
    assert table["reaction"]["in_app"] is False  # unchecked boxes are off
    assert DigestPreference.objects.get(user=alice).frequency == "daily"
    assert CommunityPreference.objects.get(user=alice, community=club).level == "highlights"
    assert (
        "Your notification preferences are saved."
        in client.get("/notifications/preferences/").content.decode()
    )


def test_bad_input_on_the_page_changes_nothing_and_keeps_the_choices(client, alice, club):
    client.force_login(alice)
    data = {"mention:in_app": "on", "frequency": "hourly", f"community-{club.pk}": "mute"}
    response = client.post("/notifications/preferences/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose daily, weekly or never." in page
    assert 'name="reply:in_app" id="reply-in_app"  aria' in page  # what was unchecked stays unchecked
    assert not KindPreference.objects.exists() and not CommunityPreference.objects.exists()


def test_preferences_page_query_count(
    client, alice, bruno, make_community, side_effects, django_assert_max_num_queries
):
    client.force_login(alice)
    client.get("/notifications/preferences/")
    for i in range(5):
        community = make_community(f"Communauté {i}", members=[alice, bruno])
        with side_effects():
            post = post_create(author=bruno, body=f"Fil {i}", communities=[community])
        thread_mute(user=alice, post=post)
        community_level_set(user=alice, community=community, level="highlights")
    with django_assert_max_num_queries(7):  # the same with 5 communities and threads as with 0
        page = client.get("/notifications/preferences/")
    assert page.content.decode().count("Unmute") == 5


def test_mute_and_unmute_from_the_post_page(client, alice, bruno, side_effects):
    with side_effects():
        post = post_create(author=bruno, body="Un long fil")
    client.force_login(alice)
    page = client.get(post.get_absolute_url()).content.decode()
    assert "Mute this conversation" in page
    response = client.post(f"/notifications/threads/{post.pk}/mute/", {"next": post.get_absolute_url()})
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    assert ThreadMute.objects.filter(user=alice, post=post).exists()
    assert "Unmute this conversation" in client.get(post.get_absolute_url()).content.decode()
    client.post(f"/notifications/threads/{post.pk}/unmute/")
    assert not ThreadMute.objects.exists()


def test_muting_a_post_one_may_not_see_is_a_404(client, alice, bruno, make_community, side_effects):
    secret = make_community("Secret", visibility=Community.Visibility.SECRET, owner=bruno)
    with side_effects():
        post = post_create(author=bruno, body="Privé", communities=[secret])
    client.force_login(alice)
    assert client.post(f"/notifications/threads/{post.pk}/mute/").status_code == 404
    assert not ThreadMute.objects.exists()


def test_links_to_the_page(client, alice):
    client.force_login(alice)
    assert 'href="/notifications/preferences/"' in client.get("/notifications/").content.decode()
