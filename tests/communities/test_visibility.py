"""What is posted in a private or secret community never reaches anyone outside it, by any path.

Every post and reply below carries MARK in its text: each page an outsider can open is searched
for it. Each check is made on a member too, so that a page which shows nothing proves nothing.
"""

import json
from types import SimpleNamespace

import pytest
from django.http import Http404

from ruche.accounts.services import user_follow
from ruche.communities import selectors as community_selectors
from ruche.communities import services as communities
from ruche.communities.models import Community, Placement
from ruche.feed import selectors as feed_selectors
from ruche.feed import services as feed
from ruche.feed.models import FeedEntry
from ruche.notifications.models import Notification
from ruche.notifications.selectors import notifications_for
from ruche.posts import selectors as post_selectors
from ruche.posts import services as posts
from ruche.posts.models import Hashtag, Post, Reaction
from ruche.posts.policies import can_view_post

pytestmark = pytest.mark.django_db

Visibility = Community.Visibility
MARK = "zq-confidentiel"
PUBLIC_MARK = "zq-pour-tous"
OUTSIDERS = ("colin", "fanny", "hugo", "manon")


@pytest.fixture(params=["fan-out", "pulled"])
def audience(request, settings):
    """Small audiences are fanned out on write; past FEED_LARGE_AUDIENCE, pulled when the feed is read."""
    settings.FEED_LARGE_AUDIENCE = 2_000 if request.param == "fan-out" else 0
    return request.param


@pytest.fixture
def world(audience, make_user, make_community, side_effects):
    olivia = make_user("Olivia", "Owner")  # owns both communities, writes the posts
    mia = make_user("Mia", "Member")  # member of both: sees everything
    marc = make_user("Marc", "Moderator")
    colin = make_user("Colin", "Colleague")  # an ordinary colleague
    fanny = make_user("Fanny", "Follower")  # follows Olivia
    hugo = make_user("Hugo", "Hashtag")  # follows #chantier
    manon = make_user("Manon", "Mentioned")  # @mentioned in the confidential posts
    private = make_community(
        "Projet Alpha", visibility=Visibility.PRIVATE, owner=olivia, members=[mia], moderators=[marc]
    )
    secret = make_community("Projet Omega", visibility=Visibility.SECRET, owner=olivia, members=[mia])
    with side_effects():
        user_follow(follower=fanny, followed=olivia)
        public = posts.post_create(author=olivia, body=f"{PUBLIC_MARK} réunion #chantier")
        posts.hashtag_follow(user=hugo, hashtag=Hashtag.objects.get(key="chantier"))
        about = f"#chantier #omegasecret @{manon.handle} @{mia.handle}"
        priv = posts.post_create(author=olivia, body=f"{MARK} alpha {about}", communities=[private])
        priv_reply = posts.post_create(author=mia, body=f"{MARK} alpha reply {about}", parent=priv)
        sec = posts.post_create(author=olivia, body=f"{MARK} omega {about}", communities=[secret])
        sec_reply = posts.post_create(author=mia, body=f"{MARK} omega reply {about}", parent=sec)
        for post in (priv, priv_reply, sec, sec_reply):
            posts.reaction_set(post=post, user=mia if post.author == olivia else olivia, kind="bravo")
    people = {u.first_name.lower(): u for u in (olivia, mia, marc, colin, fanny, hugo, manon)}
    return SimpleNamespace(
        **people,
        private=private,
        secret=secret,
        public=public,
        confidential=[priv, priv_reply, sec, sec_reply],
        priv=priv,
        priv_reply=priv_reply,
        sec=sec,
        sec_reply=sec_reply,
    )


def ids(page) -> set[int]:
    return {p.pk for p in page.items} | {r.pk for p in page.items for r in getattr(p, "shown_replies", [])}


def texts(page) -> str:
    return " ".join(p.body for p in page.items) + " ".join(
        r.body for p in page.items for r in getattr(p, "shown_replies", [])
    )


def get(client, user, url: str, status: int = 200, **headers) -> str:
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def feeds(w, user) -> list[str]:
    """The home feed as the reader gets it: as is, after a repeated fan-out, after a rebuild,
    and with the history below a horizon pulled from the sources."""
    pages = [texts(feed_selectors.home_feed(user))]
    for post in w.confidential + [w.public]:
        feed.post_fan_out(post)
    pages.append(texts(feed_selectors.home_feed(user)))
    FeedEntry.objects.filter(user=user).delete()
    feed.feed_rebuild(user)
    pages.append(texts(feed_selectors.home_feed(user)))
    user.feed_horizon = 10**12
    type(user).objects.filter(pk=user.pk).update(feed_horizon=user.feed_horizon)
    pages.append(texts(feed_selectors.home_feed(user)))
    return pages


# The outsiders ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_feeds_never_carry_it(world, who):
    user = getattr(world, who)
    for page in feeds(world, user):
        assert MARK not in page
    assert not FeedEntry.objects.filter(user=user, post__in=world.confidential).exists()
    assert MARK not in texts(post_selectors.company_feed(user))
    assert MARK not in texts(post_selectors.tag_feed(user, Hashtag.objects.get(key="chantier")))
    assert MARK not in texts(post_selectors.tag_feed(user, Hashtag.objects.get(key="omegasecret")))
    assert MARK not in texts(post_selectors.author_feed(user, world.olivia))
    assert MARK not in texts(post_selectors.author_feed(user, world.mia))
    for post in world.confidential:
        assert not can_view_post(user, post)
        with pytest.raises(Http404):
            post_selectors.post_detail(user, post.pk)
        with pytest.raises(Http404):
            post_selectors.reactions_of(user, post)


def test_members_feeds_carry_it(world):
    """The same paths, for a member: the content is there (the checks above are not vacuous)."""
    for page in feeds(world, world.mia):
        assert f"{MARK} alpha" in page and f"{MARK} omega" in page
    assert {world.priv.pk, world.sec.pk} <= ids(post_selectors.company_feed(world.mia))
    assert {world.priv.pk, world.sec.pk} <= ids(post_selectors.author_feed(world.mia, world.olivia))


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_pages_never_show_it(client, world, who):
    user = getattr(world, who)
    pages = ["/", "/company/", "/tags/chantier/", f"/people/{world.olivia.handle}/"]
    pages += [
        f"/people/{world.mia.handle}/",
        "/notifications/",
        "/communities/",
        "/communities/projet-alpha/",
    ]
    for url in pages:
        content = get(client, user, url)
        assert MARK not in content and "Projet Omega" not in content and "projet-omega" not in content, url
    for url in ("/", "/company/", "/tags/chantier/", f"/people/{world.olivia.handle}/"):  # next pages too
        assert MARK not in get(client, user, f"{url}?before={10**9}", HTTP_HX_REQUEST="true"), url
    assert PUBLIC_MARK in get(client, user, "/tags/chantier/")  # the page does show posts
    alpha = "/communities/projet-alpha/"
    for url in (f"{alpha}?before={10**9}", f"{alpha}?tab=feed", f"{alpha}moderation/"):
        client.force_login(user)
        assert MARK not in client.get(url, HTTP_HX_REQUEST="true").content.decode(), url
    assert "Projet Omega" not in get(client, user, "/communities/")
    get(client, user, "/communities/projet-omega/", status=404)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_a_hashtag_used_only_in_confidential_posts_is_unknown_to_outsiders(client, world, who):
    """#omegasecret is used only in the private and secret communities: its page, and following it,
    answer as for a hashtag nobody ever used (404), so that its existence is not revealed."""
    user = getattr(world, who)
    import re

    def page_404(key: str) -> str:  # the same page but for the CSRF token and the page's own URL
        html = get(client, user, f"/tags/{key}/", 404).replace(key, "KEY")
        return re.sub(r'(CSRFToken": "|csrfmiddlewaretoken" value=")[^"]+', "", html)

    assert page_404("omegasecret") == page_404("nobodyeverusedthis")
    client.force_login(user)
    assert client.post("/tags/omegasecret/follow/", {"follow": "1"}).status_code == 404
    assert not user.hashtag_follows.exists() or who == "hugo"  # hugo follows #chantier only
    assert not user.hashtag_follows.filter(hashtag__key="omegasecret").exists()
    assert PUBLIC_MARK in get(client, user, "/tags/chantier/")  # a hashtag also used in public
    for method, path in [("get", ""), ("post", "/follow"), ("delete", "/follow")]:  # the API alike
        secret, unknown = (
            getattr(client, method)(f"/api/ruche/v1/feed/hashtags/{key}{path}")
            for key in ("omegasecret", "nobodyever")
        )
        assert secret.status_code == unknown.status_code == 404, (method, path)
        assert secret.json() == unknown.json()
    assert not user.hashtag_follows.filter(hashtag__key="omegasecret").exists()


def test_members_see_the_confidential_hashtag(client, world):
    assert f"{MARK} omega" in get(client, world.mia, "/tags/omegasecret/")
    client.force_login(world.mia)
    assert client.post("/tags/omegasecret/follow/", {"follow": "1"}).status_code == 302


@pytest.mark.parametrize("who", OUTSIDERS)
def test_guessed_ids_lead_nowhere_and_change_nothing(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    posts_before, reactions_before = Post.objects.count(), Reaction.objects.count()
    for post in world.confidential:
        for path in ("", "reactions/", "edit/", "delete/"):
            assert client.get(f"/posts/{post.pk}/{path}").status_code == 404, (post.body, path)
        response = client.post(f"/posts/{post.pk}/react/", {"kind": "like"})
        assert response.status_code in (403, 404)
        response = client.post(f"/posts/{post.pk}/reply/", {"body": "Je devine"})
        assert response.status_code in (403, 404)
        assert client.post(f"/posts/{post.pk}/delete/").status_code == 404
    assert (Post.objects.count(), Reaction.objects.count()) == (posts_before, reactions_before)
    assert all(p.deleted_at is None for p in Post.objects.all())


def test_members_pages_show_it(client, world):
    mia = world.mia
    for url in (
        "/",
        "/company/",
        "/tags/chantier/",
        f"/people/{world.olivia.handle}/",
        "/communities/projet-alpha/",
    ):
        assert f"{MARK} alpha" in get(client, mia, url), url
    assert f"{MARK} omega" in get(client, mia, "/communities/projet-omega/")
    for post in world.confidential:
        assert MARK in get(client, mia, f"/posts/{post.pk}/"), post.body
    get(client, mia, f"/posts/{world.priv.pk}/reactions/")


def test_a_mentioned_outsider_is_neither_linked_nor_notified(client, world):
    manon = world.manon
    for post in world.confidential:
        post.refresh_from_db()
        assert manon not in post.mentions.all()
        assert f"/people/{manon.handle}/" not in post.body_html
        assert world.mia in post.mentions.all() or post.author == world.mia
    assert not Notification.objects.filter(recipient=manon).exists()
    assert notifications_for(manon).items == []
    assert MARK not in get(client, manon, "/notifications/")
    assert Notification.objects.filter(recipient=world.mia, kind="mention", post=world.priv).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_are_told_nothing(world, who):
    user = getattr(world, who)
    assert not Notification.objects.filter(recipient=user, post__in=world.confidential).exists()


@pytest.mark.parametrize("who", OUTSIDERS)
def test_autocompletes_are_harmless(client, world, who):
    user = getattr(world, who)
    for url in (
        "/autocomplete/people/?q=oli",
        "/autocomplete/hashtags/?q=omega",
        "/autocomplete/hashtags/?q=ch",
    ):
        content = get(client, user, url)
        json.loads(content)
        assert MARK not in content and "Projet" not in content


@pytest.mark.parametrize("who", OUTSIDERS)
def test_community_pages(world, who):
    user = getattr(world, who)
    community, role = community_selectors.community_for(user, "projet-alpha")
    assert role is None
    assert community_selectors.community_feed(user, community, role).items == []
    assert community_selectors.pinned_posts(user, community, role) == []
    with pytest.raises(Http404):
        community_selectors.community_for(user, "projet-omega")
    assert world.secret not in community_selectors.directory(user)
    assert world.private in community_selectors.directory(user)


# When things change ----------------------------------------------------------------------------


def test_a_member_who_leaves_no_longer_sees_it(client, world, side_effects):
    mia = world.mia
    with side_effects():
        communities.community_leave(community=world.private, user=mia)
    assert not FeedEntry.objects.filter(user=mia, post=world.priv).exists()
    page = texts(feed_selectors.home_feed(mia))
    assert f"{MARK} alpha" not in page and f"{MARK} omega" in page
    assert f"{MARK} alpha" not in texts(post_selectors.company_feed(mia))
    get(client, mia, f"/posts/{world.priv.pk}/", status=404)
    assert f"{MARK} alpha" not in get(client, mia, "/communities/projet-alpha/")
    assert f"{MARK} omega" in get(client, mia, "/communities/projet-omega/")  # still in that one
    # The mention she had there leaves her notifications; and she is told nothing more about it.
    assert world.priv.pk not in {n.post_id for n in notifications_for(mia).items}
    with side_effects():
        posts.post_create(author=world.olivia, body="Suite de la discussion", parent=world.priv)
    assert not Notification.objects.filter(recipient=mia, kind="thread_reply").exists()


def test_a_member_removed_no_longer_sees_it(client, world, side_effects):
    mia = world.mia
    with side_effects():
        communities.member_remove(community=world.secret, by=world.olivia, user=mia)
    assert not FeedEntry.objects.filter(user=mia, post=world.sec).exists()
    for page in feeds(world, mia):
        assert f"{MARK} omega" not in page and f"{MARK} alpha" in page
    get(client, mia, f"/posts/{world.sec.pk}/", status=404)
    get(client, mia, "/communities/projet-omega/", status=404)
    assert f"{MARK} omega" not in get(client, mia, "/")


def test_a_community_turned_private_closes_its_past_posts(client, world, make_community, side_effects):
    open_one = make_community("Ouverte", owner=world.olivia)
    with side_effects():
        post = posts.post_create(
            author=world.olivia, body=f"{MARK} ouverte #chantier", communities=[open_one]
        )
    assert can_view_post(world.hugo, post)
    communities.community_update(community=open_one, by=world.olivia, visibility=Visibility.PRIVATE)
    for who in OUTSIDERS:
        user = getattr(world, who)
        assert MARK not in texts(feed_selectors.home_feed(user))
        assert MARK not in get(client, user, "/tags/chantier/")
        get(client, user, f"/posts/{post.pk}/", status=404)


def test_a_hidden_post_is_gone_for_everyone_but_its_author(client, world, side_effects):
    with side_effects():
        communities.post_hide(post=world.priv, by=world.marc, reason="Données client")
    for user in (world.mia, world.marc):
        assert f"{MARK} alpha" not in texts(feed_selectors.home_feed(user))
        assert f"{MARK} alpha" not in get(client, user, "/communities/projet-alpha/")
        get(client, user, f"/posts/{world.priv.pk}/", status=404)
        get(client, user, f"/posts/{world.priv_reply.pk}/", status=404)  # its replies go with it
    assert f"{MARK} alpha" in get(client, world.olivia, f"/posts/{world.priv.pk}/")
    assert Notification.objects.get(recipient=world.olivia, kind="post_hidden").detail == "Données client"


def test_a_hidden_public_post_too(client, world, admin, side_effects):
    with side_effects():
        communities.post_hide(post=world.public, by=admin, reason="Doublon")
    for who in ("mia", "colin", "fanny", "hugo"):
        user = getattr(world, who)
        assert PUBLIC_MARK not in get(client, user, "/company/")
        # Hidden, #chantier's only public post leaves it on confidential posts alone: unknown to
        # whoever neither reads them nor follows it.
        tag_status = 404 if who in ("colin", "fanny") else 200
        assert PUBLIC_MARK not in get(client, user, "/tags/chantier/", status=tag_status)
        assert PUBLIC_MARK not in texts(feed_selectors.home_feed(user))
        get(client, user, f"/posts/{world.public.pk}/", status=404)
    assert PUBLIC_MARK in get(client, world.olivia, f"/posts/{world.public.pk}/")


def test_a_pending_post_is_its_authors_alone_until_approved(client, world, side_effects):
    Community.objects.filter(pk=world.private.pk).update(premoderate_posts=True)
    world.private.refresh_from_db()
    with side_effects():
        pending = posts.post_create(
            author=world.mia,
            body=f"{MARK} en attente #chantier @{world.olivia.handle}",
            communities=[world.private],
        )
    assert pending.placements.get().status == Placement.Status.PENDING
    for user in (world.olivia, world.marc, world.colin, world.fanny, world.hugo):
        assert "en attente" not in texts(feed_selectors.home_feed(user))
        assert "en attente" not in texts(post_selectors.company_feed(user))
        assert "en attente" not in get(client, user, "/communities/projet-alpha/")
        assert "en attente" not in get(client, user, "/tags/chantier/")
        get(client, user, f"/posts/{pending.pk}/", status=404)
        assert not Notification.objects.filter(recipient=user, post=pending).exists()
    assert "en attente" in get(client, world.mia, f"/posts/{pending.pk}/")
    assert "en attente" in texts(feed_selectors.home_feed(world.mia))

    with side_effects():
        communities.placement_decide(placement=pending.placements.get(), by=world.marc, approve=True)
    for user in (world.olivia, world.marc):
        assert "en attente" in texts(feed_selectors.home_feed(user))
        assert "en attente" in get(client, user, "/communities/projet-alpha/")
        assert "en attente" in get(client, user, f"/posts/{pending.pk}/")
    assert Notification.objects.filter(recipient=world.olivia, kind="mention", post=pending).exists()
    for user in (world.colin, world.fanny, world.hugo):  # approved, but still private
        assert "en attente" not in texts(feed_selectors.home_feed(user))
        get(client, user, f"/posts/{pending.pk}/", status=404)


def test_an_invited_colleague_sees_the_secret_community_but_nothing_in_it(client, world, make_user):
    ines = make_user("Ines", "Invited")
    communities.community_invite(community=world.secret, by=world.olivia, user=ines)
    content = get(client, ines, "/communities/projet-omega/")
    assert "Projet Omega" in content and MARK not in content
    for post in (world.sec, world.sec_reply):
        get(client, ines, f"/posts/{post.pk}/", status=404)
    assert MARK not in texts(post_selectors.company_feed(ines))


def test_a_post_shared_with_a_secret_community_does_not_name_it(client, world, make_community, side_effects):
    open_one = make_community("Ouverte", owner=world.olivia)
    with side_effects():
        post = posts.post_create(author=world.olivia, body="zq-partage", communities=[open_one, world.secret])
    colin = world.colin
    assert [c.name for c in post_selectors.post_detail(colin, post.pk).communities] == ["Ouverte"]
    content = get(client, colin, f"/posts/{post.pk}/")
    assert "zq-partage" in content and "Projet Omega" not in content
