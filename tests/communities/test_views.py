"""Community pages end to end through the views: directory, page, joining, management, moderation,
administration. Permissions are checked by status codes (403/404), and list pages pin their queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ruche.accounts.models import Department
from ruche.communities.models import (
    AuditEntry,
    AutoMembershipRule,
    Community,
    CommunitySettings,
    CommunityStats,
    Departure,
    Invitation,
    JoinRequest,
    Membership,
    Placement,
    Report,
)
from ruche.posts.models import Post
from ruche.posts.services import post_create
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db

PUBLIC, PRIVATE, SECRET = "public", "private", "secret"


@pytest.fixture
def community(db):
    """A community with its owner, made directly (the quota is the services' tests' business)."""

    def make(owner, name="Qualité Lyon", visibility=PUBLIC, **fields):
        from django.utils.text import slugify

        made = Community.objects.create(
            name=name,
            slug=slugify(name),
            visibility=visibility,
            created_by=owner,
            last_activity_at=timezone.now(),
            **fields,
        )
        add(made, owner, "owner")
        return made

    return make


def add(community, user, role="member"):
    Membership.objects.create(community=community, user=user, role=role)
    Community.objects.filter(pk=community.pk).update(member_count=community.memberships.count())


def page(client, url):
    response = client.get(url)
    return response, response.content.decode()


# Directory ---------------------------------------------------------------------------------------


def test_directory_lists_public_and_private_but_not_secret(client, alice, bruno, community):
    community(alice, "Ouverte", PUBLIC, description="Tout le monde est bienvenu")
    community(alice, "Fermée", PRIVATE)
    community(alice, "Cachée", SECRET)
    client.force_login(bruno)
    response, html = page(client, "/communities/")
    assert response.status_code == 200
    assert "Ouverte" in html and "Tout le monde est bienvenu" in html and "Fermée" in html
    assert "Cachée" not in html
    client.force_login(alice)  # a member sees the secret one, and her role
    _response, html = page(client, "/communities/")
    assert "Cachée" in html and "Owner" in html


def test_directory_filters_sort_and_archived(client, alice, bruno, community):
    work = community(alice, "Atelier", PUBLIC)
    community(alice, "Jardinage", PUBLIC, kind="interest")
    old = community(alice, "Ancienne", PUBLIC)
    Community.objects.filter(pk=old.pk).update(archived_at=timezone.now())
    add(work, bruno)
    client.force_login(bruno)
    names = lambda r: [c.name for c in r.context["communities"]]  # noqa: E731
    assert set(names(client.get("/communities/"))) == {"Atelier", "Jardinage"}
    assert names(client.get("/communities/?kind=interest")) == ["Jardinage"]
    assert names(client.get("/communities/?mine=1")) == ["Atelier"]
    assert names(client.get("/communities/?archived=1")) == ["Ancienne"]
    assert names(client.get("/communities/?sort=name")) == ["Atelier", "Jardinage"]
    response = client.get("/communities/?kind=interest", HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode() and "Jardinage" in response.content.decode()
    restore = client.get(
        "/communities/?kind=interest", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in restore.content.decode()


def test_directory_shows_health_and_the_right_create_button(client, alice, community):
    quality = community(alice, "Qualité")
    CommunityStats.objects.create(
        community=quality, active_members_28d=12, posts_per_week=3.5, participation=0.4, unanswered_posts=2
    )
    client.force_login(alice)
    _response, html = page(client, "/communities/")
    assert "Active members (28 days)" in html and "3.5" in html and "40%" in html and ">Active<" in html
    assert "Create a community" in html and "/communities/admin/" not in html
    settings = CommunitySettings.current()
    settings.creation_policy = CommunitySettings.Creation.REQUEST
    settings.save()
    _response, html = page(client, "/communities/")
    assert "Request a community" in html and "Create a community" not in html


def _walk_directory(client, query: str, htmx: bool = False) -> tuple[list[str], list[str]]:
    """Follow the "more" links from the first page; the names in order, and each page's link."""
    import re
    from html import unescape

    names, links, url = [], [], f"/communities/?{query}"
    while url:
        headers = {"HTTP_HX_REQUEST": "true"} if htmx and links else {}
        response = client.get(url, **headers)
        assert response.status_code == 200
        html = response.content.decode()
        if headers:
            assert "<html" not in html and "community-grid" not in html  # the next cards only
        names += [c.name for c in response.context["communities"]]
        found = re.search(r'class="button load-more" href="([^"]+)"', html)
        url = unescape(found.group(1)) if found else None
        if url:
            links.append(url)
    return names, links


@pytest.mark.parametrize("sort", ["activity", "members", "name", "newest"])
def test_directory_is_paginated_and_more_keeps_filters_and_sort(client, alice, bruno, community, sort):
    from ruche.communities import selectors

    now = timezone.now()
    for i in range(2 * selectors.DIRECTORY_PAGE_SIZE + 5):
        made = community(bruno, f"Communauté {i:02d}", PRIVATE if i % 4 == 0 else PUBLIC)
        Community.objects.filter(pk=made.pk).update(
            kind="interest" if i % 5 == 0 else "work",
            last_activity_at=None if i % 7 == 0 else now - timedelta(hours=i % 6),
            member_count=i % 3,
            created=now - timedelta(days=i % 9),
        )
        if i % 3:  # ties on the participation, and communities never computed
            CommunityStats.objects.create(community=made, participation=0.1 * (i % 2))
    client.force_login(alice)
    everything = list(selectors.directory(alice, sort=sort, size=1000).items)  # one page: the reference order
    names, links = _walk_directory(client, f"sort={sort}")
    assert names == [c.name for c in everything] and len(names) == 2 * selectors.DIRECTORY_PAGE_SIZE + 5
    assert len(links) == 2 and all("after=" in link for link in links)
    assert all(f"sort={sort}" in link for link in links) if sort != "activity" else True
    # A filter is kept from page to page, with htmx too.
    names, links = _walk_directory(client, f"sort={sort}&visibility=public", htmx=True)
    public = [c.name for c in everything if c.visibility == PUBLIC]
    assert names == public and all("visibility=public" in link for link in links)
    first = client.get(f"/communities/?sort={sort}&visibility=public").content.decode()
    assert f"{len(public)} communities" in first


def test_directory_with_a_bad_cursor_shows_the_first_page(client, alice, community):
    community(alice, "Atelier")
    client.force_login(alice)
    for cursor in ("garbage", "W10", "WyJ4Il0", str(2**64)):
        response = client.get(f"/communities/?after={cursor}")
        assert response.status_code == 200 and [c.name for c in response.context["communities"]] == [
            "Atelier"
        ]
    assert client.get("/communities/?after=%00").status_code == 400  # no NUL reaches the database


def test_directory_links_admin_pages_for_admins(client, admin):
    client.force_login(admin)
    _response, html = page(client, "/communities/")
    assert "/communities/admin/audit/" in html and "/communities/admin/inactive/" in html


# Creation ----------------------------------------------------------------------------------------


def test_create_a_community(client, alice):
    client.force_login(alice)
    response = client.post(
        "/communities/new/",
        {
            "name": "Lean  Management",
            "description": "Amélioration continue",
            "kind": "work",
            "visibility": PUBLIC,
        },
    )
    created = Community.objects.get()
    assert response.status_code == 302 and response.url == "/communities/lean-management/"
    assert created.name == "Lean Management" and created.memberships.get().user == alice
    _response, html = page(client, response.url)
    assert "Lean Management" in html and "is created" in html


def test_create_with_a_duplicate_name_shows_the_error_on_the_field(client, alice, bruno, community):
    community(bruno, "Qualité Lyon")
    client.force_login(alice)
    response = client.post(
        "/communities/new/", {"name": "Qualité Lyon", "kind": "work", "visibility": PUBLIC}
    )
    assert response.status_code == 400
    assert "A community with this name already exists." in response.content.decode()
    assert Community.objects.count() == 1


def test_private_quota_refusal_is_shown_prominently(client, alice, community):
    community(alice, "Publique 1")
    client.force_login(alice)
    response = client.post(
        "/communities/new/", {"name": "Comité secret", "kind": "work", "visibility": SECRET}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'class="alert alert-error" role="alert"' in html and "limited to 30%" in html
    assert not Community.objects.filter(name="Comité secret").exists()


def test_create_under_the_request_policy_waits_for_an_admin(client, alice, bruno, admin):
    settings = CommunitySettings.current()
    settings.creation_policy = CommunitySettings.Creation.REQUEST
    settings.save()
    client.force_login(alice)
    _response, html = page(client, "/communities/new/")
    assert "An administrator will approve" in html
    response = client.post("/communities/new/", {"name": "Vélo", "kind": "interest", "visibility": PUBLIC})
    requested = Community.objects.get()
    assert response.status_code == 302 and not requested.approved
    _response, html = page(client, "/communities/velo/")
    assert "waits for an administrator" in html
    client.force_login(bruno)
    assert client.get("/communities/velo/").status_code == 404
    assert "Vélo" not in client.get("/communities/").content.decode()
    client.force_login(admin)
    _response, html = page(client, "/communities/admin/requests/")
    assert "Vélo" in html
    client.post(f"/communities/admin/requests/{requested.pk}/", {"approve": "1"})
    requested.refresh_from_db()
    assert requested.approved
    client.force_login(bruno)
    assert client.get("/communities/velo/").status_code == 200


def test_create_refused_is_a_403(client, alice):
    settings = CommunitySettings.current()
    settings.creation_policy = CommunitySettings.Creation.ANIMATORS
    settings.save()
    client.force_login(alice)
    assert client.get("/communities/new/").status_code == 403
    assert (
        client.post("/communities/new/", {"name": "X", "kind": "work", "visibility": PUBLIC}).status_code
        == 403
    )
    assert not Community.objects.exists()


# The community page --------------------------------------------------------------------------------


def test_secret_community_is_a_404_for_a_guessed_slug(client, alice, bruno, community):
    community(alice, "Projet Phénix", SECRET)
    client.force_login(bruno)
    for url in ["/communities/projet-phenix/", "/communities/projet-phenix/members/",
                "/communities/projet-phenix/leave/"]:  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post("/communities/projet-phenix/join/").status_code == 404
    client.force_login(alice)
    assert client.get("/communities/projet-phenix/").status_code == 200


def test_private_community_shows_about_and_health_only_to_non_members(client, alice, bruno, community):
    private = community(alice, "Direction", PRIVATE, description="Les décisions du comité")
    CommunityStats.objects.create(community=private, active_members_28d=4)
    post_create(author=alice, body="Ordre du jour confidentiel", communities=[private])
    client.force_login(bruno)
    response, html = page(client, "/communities/direction/?tab=feed")
    assert response.status_code == 200
    assert "Les décisions du comité" in html and "Active members (28 days)" in html
    assert "for members only" in html and "Request to join" in html
    assert "confidentiel" not in html and 'name="communities"' not in html


def test_member_sees_feed_pinned_about_members_and_composer(client, alice, bruno, community):
    quality = community(alice, "Qualité", description="Tout sur la qualité")
    add(quality, bruno)
    first = post_create(author=alice, body="Consignes de sécurité", communities=[quality])
    post_create(author=bruno, body="Bonjour à tous", communities=[quality])
    post_create(author=bruno, body="Ailleurs")  # not in the community
    Placement.objects.filter(post=first).update(pinned_at=timezone.now())
    client.force_login(bruno)
    response, html = page(client, "/communities/qualite/")
    assert "Bonjour à tous" in html and "Ailleurs" not in html
    assert "Pinned" in html and html.index("Consignes de sécurité") < html.index("Bonjour à tous")
    assert f'name="communities" value="{quality.pk}"' in html and 'action="/posts/new/"' in html
    assert 'name="next" value="/communities/qualite/"' in html and 'aria-current="page"' in html
    assert "Pin at the top" not in html  # bruno does not moderate
    _response, html = page(client, "/communities/qualite/?tab=about")
    assert "Tout sur la qualité" in html and "Created by" in html and "Alice Martin" in html
    _response, html = page(client, "/communities/qualite/?tab=members")
    assert "Bruno Lefèvre" in html and "Owner" in html


def test_feed_loads_more_with_a_keyset_cursor(client, alice, community, settings):
    settings.FEED_PAGE_SIZE = 2
    quality = community(alice, "Qualité")
    for i in range(5):
        post_create(author=alice, body=f"Message {i}", communities=[quality])
    client.force_login(alice)
    response = client.get("/communities/qualite/")
    cursor = response.context["page"].next_cursor
    assert f"?before={cursor}" in response.content.decode()
    more = client.get(f"/communities/qualite/?before={cursor}", HTTP_HX_REQUEST="true")
    html = more.content.decode()
    assert "<html" not in html and "Message 2" in html and "Message 4" not in html


def test_archived_community_shows_a_banner_and_no_composer(client, alice, community):
    community(alice, "Ancien projet", archived_at=timezone.now())
    client.force_login(alice)
    _response, html = page(client, "/communities/ancien-projet/")
    assert "Archived, read-only." in html and 'name="communities"' not in html


def test_join_and_leave_with_a_reason(client, alice, bruno, community):
    quality = community(alice, "Qualité")
    client.force_login(bruno)
    _response, html = page(client, "/communities/qualite/")
    assert ">Join<" in html
    response = client.post("/communities/qualite/join/")
    assert response.status_code == 302 and quality.memberships.filter(user=bruno).exists()
    _response, html = page(client, "/communities/qualite/")
    assert "Welcome to" in html and "/communities/qualite/leave/" in html
    _response, html = page(client, "/communities/qualite/leave/")
    assert "Why are you leaving?" in html
    response = client.post("/communities/qualite/leave/", {"reason": "Trop de messages"})
    assert response.status_code == 302 and not quality.memberships.filter(user=bruno).exists()
    assert Departure.objects.get(community=quality, user=bruno).reason == "Trop de messages"
    client.force_login(alice)  # the owner reads why
    _response, html = page(client, "/communities/qualite/members/")
    assert "Trop de messages" in html


def test_last_owner_cannot_leave(client, alice, community):
    community(alice, "Qualité")
    client.force_login(alice)
    response = client.post("/communities/qualite/leave/", {"reason": ""})
    assert response.status_code == 400 and "You are the last owner" in response.content.decode()


def test_join_a_private_community_is_refused(client, alice, bruno, community):
    community(alice, "Direction", PRIVATE)
    client.force_login(bruno)
    assert client.post("/communities/direction/join/").status_code == 403
    assert AuditEntry.objects.filter(action="refused:join", actor=bruno).exists()


def test_request_to_join_and_approve_through_the_pages(client, alice, bruno, community):
    direction = community(alice, "Direction", PRIVATE)
    post_create(author=alice, body="Compte rendu du comité", communities=[direction])
    client.force_login(bruno)
    response = client.post("/communities/direction/request/", {"message": "Je remplace Paul"})
    assert response.status_code == 302
    _response, html = page(client, "/communities/direction/")
    assert "Request pending" in html and "Compte rendu" not in html
    client.force_login(alice)
    _response, html = page(client, "/communities/direction/members/")
    assert "Je remplace Paul" in html and "Requests to join" in html
    join_request = JoinRequest.objects.get()
    client.post(f"/communities/direction/requests/{join_request.pk}/", {"approve": "1"})
    join_request.refresh_from_db()
    assert join_request.status == "approved" and direction.memberships.filter(user=bruno).exists()
    client.force_login(bruno)
    _response, html = page(client, "/communities/direction/")
    assert "Compte rendu du comité" in html


def test_invitation_to_a_secret_community_accepted_from_the_directory(client, alice, bruno, community):
    secret = community(alice, "Projet Phénix", SECRET)
    client.force_login(alice)
    response = client.post("/communities/projet-phenix/invite/", {"who": "@" + bruno.handle})
    assert response.status_code == 302 and Invitation.objects.filter(user=bruno).exists()
    client.force_login(bruno)
    _response, html = page(client, "/communities/")
    assert "You are invited" in html and "Projet Phénix" in html
    _response, html = page(client, "/communities/projet-phenix/")
    assert "Accept the invitation" in html
    client.post("/communities/projet-phenix/invitation/", {"accept": "1"})
    assert secret.memberships.filter(user=bruno).exists() and not Invitation.objects.exists()


def test_invite_an_unknown_colleague_shows_the_error(client, alice, community):
    community(alice, "Qualité")
    client.force_login(alice)
    response = client.post("/communities/qualite/invite/", {"who": "personne@example.com"})
    assert response.status_code == 400 and "No active colleague" in response.content.decode()


# Management --------------------------------------------------------------------------------------


def test_management_is_refused_to_members(client, alice, bruno, make_user, community):
    quality = community(alice, "Qualité")
    add(quality, bruno)
    carla = make_user("Carla", "Petit")
    add(quality, carla)
    rule = AutoMembershipRule.objects.create(
        community=quality, department=Department.objects.create(name="RH")
    )
    client.force_login(bruno)
    for url in ["/communities/qualite/settings/", "/communities/qualite/moderation/"]:
        assert client.get(url).status_code == 403
    _response, html = page(client, "/communities/qualite/members/")  # the list, without the tools
    assert "Carla Petit" in html and "Invite a colleague" not in html and "Remove" not in html
    posts = {
        f"/communities/qualite/members/{carla.pk}/role/": {"role": "moderator"},
        f"/communities/qualite/members/{carla.pk}/remove/": {},
        "/communities/qualite/invite/": {"who": carla.email},
        "/communities/qualite/settings/": {"name": "Pirate", "kind": "work", "visibility": PUBLIC},
        "/communities/qualite/rules/": {"department": rule.department_id},
        f"/communities/qualite/rules/{rule.pk}/remove/": {},
        "/communities/qualite/archive/": {"archive": "1"},
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert quality.memberships.get(user=carla).role == "member"
    quality.refresh_from_db()
    assert quality.name == "Qualité" and not quality.is_archived and quality.rules.count() == 1


def test_owner_manages_roles_members_settings_rules_and_archive(client, alice, bruno, make_user, community):
    quality = community(alice, "Qualité")
    add(quality, bruno)
    client.force_login(alice)
    _response, html = page(client, "/communities/qualite/members/")
    assert "Invite a colleague" in html and f'id="role-{bruno.pk}"' in html
    client.post(f"/communities/qualite/members/{bruno.pk}/role/", {"role": "moderator"})
    assert quality.memberships.get(user=bruno).role == "moderator"
    response = client.post(f"/communities/qualite/members/{alice.pk}/role/", {"role": "member"}, follow=True)
    assert "The last owner cannot step down" in response.content.decode()
    client.post(f"/communities/qualite/members/{bruno.pk}/remove/")
    assert not quality.memberships.filter(user=bruno).exists()
    response = client.post(
        "/communities/qualite/settings/",
        {"name": "Qualité", "description": "Nouvelle description", "kind": "work", "visibility": PUBLIC,
         "premoderate_posts": "on"},
    )  # fmt: skip
    quality.refresh_from_db()
    assert (
        response.status_code == 302
        and quality.premoderate_posts
        and quality.description == "Nouvelle description"
    )
    department = Department.objects.create(name="Qualité")
    carla = make_user("Carla", "Petit")
    carla.profile.department = department
    carla.profile.save()
    client.post("/communities/qualite/rules/", {"department": department.pk})
    assert quality.memberships.filter(user=carla, by_rule=True).exists()
    response = client.post("/communities/qualite/rules/", {}, follow=True)
    assert "Choose a department, a site, or both." in response.content.decode()
    client.post("/communities/qualite/archive/", {"archive": "1"})
    quality.refresh_from_db()
    assert quality.is_archived


def test_an_animator_is_offered_no_owner_role_and_cannot_promote_themselves(client, alice, bruno, community):
    quality = community(alice, "Qualité")
    add(quality, bruno, "animator")
    client.force_login(bruno)
    _response, html = page(client, "/communities/qualite/members/")
    assert f'id="role-{bruno.pk}"' in html and f'id="role-{alice.pk}"' not in html  # the owner's row
    assert 'value="owner"' not in html and f"/members/{alice.pk}/remove/" not in html
    response = client.post(f"/communities/qualite/members/{bruno.pk}/role/", {"role": "owner"})
    assert response.status_code == 403 and quality.memberships.get(user=bruno).role == "animator"
    assert client.post(f"/communities/qualite/members/{alice.pk}/remove/").status_code == 403
    assert quality.memberships.get(user=alice).role == "owner"
    client.force_login(alice)  # the owner is offered it
    _response, html = page(client, "/communities/qualite/members/")
    assert 'value="owner"' in html and f"/members/{bruno.pk}/remove/" in html


def test_settings_quota_error_is_shown(client, alice, community):
    community(alice, "Autre")
    community(alice, "Qualité")
    client.force_login(alice)
    response = client.post(
        "/communities/qualite/settings/", {"name": "Qualité", "kind": "work", "visibility": PRIVATE}
    )
    assert response.status_code == 400 and "limited to 30%" in response.content.decode()


# Moderation --------------------------------------------------------------------------------------


def test_approving_a_waiting_post_shows_it_on_the_community_page(
    client, alice, bruno, community, side_effects
):
    quality = community(alice, "Qualité", premoderate_posts=True)
    add(quality, bruno)
    with side_effects():
        post = post_create(author=bruno, body="Proposition d'amélioration", communities=[quality])
    assert Placement.objects.get(post=post).status == "pending"
    client.force_login(alice)
    _response, html = page(client, "/communities/qualite/")
    assert "Proposition d'amélioration" not in html
    _response, html = page(client, "/communities/qualite/moderation/")
    assert "Proposition d'amélioration" in html and "Posts awaiting approval" in html
    with side_effects():
        response = client.post(f"/communities/qualite/moderation/posts/{post.pk}/", {"approve": "1"})
    assert response.status_code == 302
    _response, html = page(client, "/communities/qualite/")
    assert "Proposition d'amélioration" in html
    client.force_login(bruno)
    assert "Proposition d'amélioration" in client.get("/communities/qualite/").content.decode()
    # A second moderator deciding it again (a stale page) is told so; nothing changes.
    client.force_login(alice)
    response = client.post(f"/communities/qualite/moderation/posts/{post.pk}/", {"approve": "0"}, follow=True)
    assert "This post was already decided." in response.content.decode()
    assert Placement.objects.get(post=post).status == "approved"


def test_rejecting_a_post_and_a_waiting_reply(client, alice, bruno, community):
    quality = community(alice, "Qualité", premoderate_posts=True, premoderate_replies=True)
    add(quality, bruno)
    post = post_create(author=bruno, body="Hors sujet", communities=[quality])
    client.force_login(alice)
    client.post(f"/communities/qualite/moderation/posts/{post.pk}/", {"approve": "0"})
    assert Placement.objects.get(post=post).status == "rejected"
    root = post_create(author=alice, body="Question ouverte", communities=[quality])
    reply = post_create(author=bruno, body="Ma réponse", parent=root)
    assert Post.objects.get(pk=reply.pk).awaiting_approval
    _response, html = page(client, "/communities/qualite/moderation/")
    assert "Ma réponse" in html and "Replies awaiting approval" in html
    client.post(f"/communities/qualite/moderation/replies/{reply.pk}/", {"approve": "1"})
    assert not Post.objects.get(pk=reply.pk).awaiting_approval


def test_moderator_hides_a_reported_post_with_a_reason(client, alice, bruno, community):
    quality = community(alice, "Qualité")
    add(quality, bruno)
    post = post_create(author=bruno, body="Message douteux", communities=[quality])
    report = Report.objects.create(reporter=alice, post=post, community=quality, reason="Propos blessants")
    client.force_login(alice)
    _response, html = page(client, "/communities/qualite/moderation/")
    assert "Propos blessants" in html
    response = client.post(f"/communities/reports/{report.pk}/hide/", {"reason": "", "next": "/communities/qualite/moderation/"}, follow=True)  # fmt: skip
    assert "Say why" in response.content.decode()
    assert Post.objects.get(pk=post.pk).hidden_at is None
    client.post(f"/communities/reports/{report.pk}/hide/", {"reason": "Charte, article 2"})
    post.refresh_from_db()
    report.refresh_from_db()
    assert post.hidden_reason == "Charte, article 2" and report.resolved_at is not None
    other = Report.objects.create(reporter=alice, post=post, community=quality, reason="Encore")
    client.post(f"/communities/reports/{other.pk}/dismiss/")
    other.refresh_from_db()
    assert other.resolved_by == alice


def test_report_actions_are_refused_to_members(client, alice, bruno, community):
    quality = community(alice, "Qualité")
    add(quality, bruno)
    post = post_create(author=alice, body="Message", communities=[quality])
    report = Report.objects.create(reporter=bruno, post=post, community=quality, reason="Pas d'accord")
    client.force_login(bruno)
    assert client.post(f"/communities/reports/{report.pk}/hide/", {"reason": "x"}).status_code == 403
    assert client.post(f"/communities/reports/{report.pk}/dismiss/").status_code == 403
    assert client.post(f"/communities/qualite/pin/{post.pk}/", {"pin": "1"}).status_code == 403


def test_moderator_pins_and_unpins_from_the_feed(client, alice, community):
    quality = community(alice, "Qualité")
    post = post_create(author=alice, body="À lire d'abord", communities=[quality])
    client.force_login(alice)
    _response, html = page(client, "/communities/qualite/")
    assert "Pin at the top" in html
    client.post(f"/communities/qualite/pin/{post.pk}/", {"pin": "1", "next": "/communities/qualite/"})
    assert Placement.objects.get(post=post).pinned_at is not None
    _response, html = page(client, "/communities/qualite/")
    assert "Unpin" in html
    client.post(f"/communities/qualite/pin/{post.pk}/", {"pin": "0"})
    assert Placement.objects.get(post=post).pinned_at is None


# Administration ----------------------------------------------------------------------------------

ADMIN_PAGES = [
    "/communities/admin/",
    "/communities/admin/requests/",
    "/communities/admin/inactive/",
    "/communities/admin/reports/",
    "/communities/admin/audit/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_are_for_admins_only(client, alice, admin, url):
    client.force_login(alice)
    assert client.get(url).status_code == 403
    client.force_login(admin)
    assert client.get(url).status_code == 200


def test_admin_changes_governance_and_it_is_audited(client, alice, admin):
    client.force_login(alice)
    assert client.post("/communities/admin/", {"creation_policy": "request"}).status_code == 403
    client.force_login(admin)
    response = client.post(
        "/communities/admin/",
        {"creation_policy": "animators", "private_share_max": "20", "private_per_creator_max": "2"},
    )
    assert response.status_code == 302
    settings = CommunitySettings.current()
    assert (settings.creation_policy, settings.private_share_max, settings.private_per_creator_max) == (
        "animators",
        20,
        2,
    )
    assert AuditEntry.objects.filter(action="settings_update", actor=admin).exists()
    response = client.post("/communities/admin/", {"creation_policy": "x", "private_share_max": "150"})
    assert response.status_code == 400


def test_admin_finds_inactive_communities_and_archives_them(client, alice, admin, community):
    sleeping = community(alice, "Endormie")
    Community.objects.filter(pk=sleeping.pk).update(
        last_activity_at=timezone.now() - timezone.timedelta(weeks=10)
    )
    community(alice, "Vivante")
    client.force_login(admin)
    _response, html = page(client, "/communities/admin/inactive/")
    assert "Endormie" in html and "Vivante" not in html
    _response, html = page(client, "/communities/admin/inactive/?weeks=12")
    assert "Endormie" not in html
    assert client.get("/communities/admin/inactive/?weeks=0").status_code == 400
    response = client.post(
        "/communities/endormie/archive/", {"archive": "1", "next": "/communities/admin/inactive/"}
    )
    assert response.url == "/communities/admin/inactive/"
    sleeping.refresh_from_db()
    assert sleeping.is_archived


def test_admin_reads_reports_and_the_audit_log_with_filters(client, alice, bruno, admin, community):
    quality = community(alice, "Qualité")
    add(quality, bruno)
    post = post_create(author=bruno, body="Signalé", communities=[quality])
    Report.objects.create(reporter=alice, post=post, community=quality, reason="Spam")
    client.post("/communities/qualite/join/")  # anonymous: nothing happens
    client.force_login(bruno)
    client.post("/communities/qualite/settings/", {"name": "X", "kind": "work", "visibility": PUBLIC})
    client.force_login(admin)
    _response, html = page(client, "/communities/admin/reports/")
    assert "Spam" in html and "Signalé" in html
    response = client.get(f"/communities/admin/audit/?actor={bruno.handle}")
    assert [e.action for e in response.context["entries"]] == ["refused:community_update"]
    response = client.get("/communities/admin/audit/?action=refused:community_update")
    html = response.content.decode()
    assert len(response.context["entries"]) == 1 and "Refused: Community edited" in html
    response = client.get("/communities/admin/audit/?actor=nobody")
    assert response.context["entries"] == [] and "Nobody has this handle." in response.content.decode()


# Query counts ------------------------------------------------------------------------------------

DIRECTORY_QUERIES = 8
COMMUNITY_PAGE_QUERIES = 13


@pytest.mark.parametrize("n", [5, 20])
def test_directory_query_count(client, alice, bruno, community, django_assert_max_num_queries, n):
    for i in range(n):
        made = community(alice if i % 2 else bruno, f"Communauté {i}", PRIVATE if i % 3 == 0 else PUBLIC)
        CommunityStats.objects.create(community=made, participation=0.1 * (i % 5))
        if i % 4 == 0:
            add(made, alice if made.created_by == bruno else bruno)
    Invitation.objects.create(community=community(bruno, "Secrète", SECRET), user=alice, invited_by=bruno)
    client.force_login(alice)
    client.get("/communities/")
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get("/communities/")
    assert len(response.context["communities"]) == n + 1


def test_directory_pages_are_bounded_with_a_constant_query_count(
    client, alice, bruno, community, django_assert_max_num_queries
):
    from ruche.communities import selectors

    size = selectors.DIRECTORY_PAGE_SIZE
    for i in range(3 * size):
        made = community(alice if i % 2 else bruno, f"Communauté {i}", PRIVATE if i % 3 == 0 else PUBLIC)
        CommunityStats.objects.create(community=made, participation=0.01 * (i % 7))
    client.force_login(alice)
    client.get("/communities/")
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get("/communities/")
    page = response.context["communities"]
    assert len(page) == size and page.total == 3 * size and page.next_cursor
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get(f"/communities/?after={page.next_cursor}", HTTP_HX_REQUEST="true")
    assert len(response.context["communities"]) == size


@pytest.mark.parametrize("n", [5, 20])
def test_community_page_query_count(
    client, alice, bruno, make_user, community, django_assert_max_num_queries, n
):
    quality = community(alice, "Qualité")
    CommunityStats.objects.create(community=quality, participation=0.2)
    others = [bruno] + [make_user("Personne", f"N{i}") for i in range(4)]
    for person in others:
        add(quality, person)
    posts = busy_posts(others, [alice, *others], n)
    Placement.objects.bulk_create([Placement(post=p, community=quality) for p in posts])
    Placement.objects.filter(post=posts[0]).update(pinned_at=timezone.now())
    client.force_login(alice)  # the owner: pin buttons, moderation links
    client.get("/communities/qualite/")
    with django_assert_max_num_queries(COMMUNITY_PAGE_QUERIES):
        response = client.get("/communities/qualite/")
    assert len(response.context["page"].items) == min(n, 20) or response.context["page"].next_cursor
    assert len(response.context["pinned"]) == 1


def _plan(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        else:
            cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_community_feed_is_a_keyset_page_on_the_placements(alice, bruno, community, settings):
    """Page 1 reads the page's placements on the (community, status, post) index, newest first, and
    stops: no sort of every placement of the community. Pinned posts come from their own index."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ruche.communities import selectors

    settings.FEED_PAGE_SIZE = 3
    quality = community(alice, "Qualité")
    add(quality, bruno)
    made = [post_create(author=bruno, body=f"Message {i}", communities=[quality]) for i in range(8)]
    Post.objects.filter(pk=made[5].pk).update(hidden_at=timezone.now())  # hidden: bruno's own only
    Placement.objects.filter(post=made[1]).update(pinned_at=timezone.now())
    with CaptureQueriesContext(connection) as queries:
        pinned, page = selectors.community_page(alice, quality, "owner")
    feed_sql, pinned_sql = queries.captured_queries[0]["sql"], queries.captured_queries[1]["sql"]
    assert feed_sql.startswith('SELECT "communities_placement"')
    assert 'ORDER BY "communities_placement"."post_id" DESC' in feed_sql and "LIMIT 4" in feed_sql
    if connection.vendor == "sqlite":
        plan = _plan(feed_sql)
        assert "placement_community_recent" in plan and "TEMP B-TREE" not in plan, plan
        plan = _plan(pinned_sql)
        assert "placement_community_pinned" in plan and "TEMP B-TREE" not in plan, plan
    assert [p.pk for p in pinned] == [made[1].pk] and pinned[0].pinned_here

    def walk(viewer, role) -> list[int]:
        seen, before = [], None
        while True:
            page = selectors.community_feed(viewer, quality, role, before=before)
            seen += [p.pk for p in page]
            if not page.next_cursor:
                return seen
            before = page.next_cursor

    newest_first = [p.pk for p in reversed(made)]
    assert walk(alice, "owner") == [pk for pk in newest_first if pk != made[5].pk]
    assert walk(bruno, "member") == newest_first


def test_the_community_composer_posts_into_the_community(client, alice, bruno, community):
    quality = community(alice, "Qualité")
    add(quality, bruno)
    client.force_login(bruno)
    html = client.get("/communities/qualite/").content.decode()
    start = html.index('id="community-composer"')
    form = html[start : html.index("</form>", start)]
    assert 'name="client_token"' in form and f'name="communities" value="{quality.pk}"' in form
    response = client.post(
        "/posts/new/",
        {"body": "Depuis la communauté", "communities": quality.pk, "next": "/communities/qualite/"},
    )
    assert response.status_code == 302 and response.url == "/communities/qualite/"
    post = Post.objects.get(body="Depuis la communauté")
    assert post.placements.get().community == quality
    assert "Depuis la communauté" in client.get("/communities/qualite/").content.decode()
