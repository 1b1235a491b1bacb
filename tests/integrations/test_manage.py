"""Creating and managing a community's incoming webhooks: its owners (and admins) only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ruche.accounts.models import User
from ruche.communities.models import Community, Membership
from ruche.communities.services import member_counts_refresh
from ruche.integrations.models import Integration
from ruche.integrations.services import hash_secret, integration_create
from ruche.posts.models import Post
from tests.images import spy_jpeg

pytestmark = pytest.mark.django_db


def test_an_owner_creates_an_integration_and_sees_its_address_once(client, community, owner):
    client.force_login(owner)
    url = f"/communities/{community.slug}/integrations/"
    response = client.post(
        url,
        {
            "name": "Alertes supervision",
            "icon": SimpleUploadedFile("i.jpg", spy_jpeg((64, 64)), "image/jpeg"),
        },
    )
    assert response.status_code == 200
    integration = Integration.objects.get()
    page = response.content.decode()
    address = next(line for line in page.splitlines() if "data-integration-address" in line)
    secret = address.split(f"/hooks/in/{integration.public_id}/")[1].split("/")[0]
    assert integration.secret_hash == hash_secret(secret) and secret not in integration.secret_hash
    assert secret not in client.get(url).content.decode()  # shown once
    bot = integration.bot
    assert bot.is_bot and bot.full_name == "Alertes supervision" and not bot.has_usable_password()
    assert bot.profile.photo.name.startswith(f"photos/{bot.pk}/")  # the icon, re-encoded
    # Its seat in the community lets it post; it is not counted as a member.
    assert Membership.objects.filter(community=community, user=bot).exists()
    member_counts_refresh()
    community.refresh_from_db()
    assert community.member_count == 2  # Olivia and Alice


def test_a_member_may_not_and_an_outsider_of_a_secret_community_does_not_see_it(
    client, community, alice, bruno, make_community, owner
):
    client.force_login(alice)
    assert client.get(f"/communities/{community.slug}/integrations/").status_code == 403
    assert client.post(f"/communities/{community.slug}/integrations/", {"name": "X"}).status_code == 403
    secret = make_community("Projet X", owner=owner, visibility=Community.Visibility.SECRET)
    client.force_login(bruno)
    assert client.post(f"/communities/{secret.slug}/integrations/", {"name": "X"}).status_code == 404
    assert not Integration.objects.exists()


def test_an_admin_may_for_any_community(client, community, admin):
    client.force_login(admin)
    response = client.post(f"/communities/{community.slug}/integrations/", {"name": "CRM"})
    assert response.status_code == 200 and Integration.objects.filter(community=community).exists()


def test_a_bad_name_or_icon_is_told_on_the_form(client, community, owner):
    client.force_login(owner)
    url = f"/communities/{community.slug}/integrations/"
    response = client.post(url, {"name": "   "})
    assert response.status_code == 400
    text = SimpleUploadedFile("icon.png", b"not an image", content_type="image/png")
    response = client.post(url, {"name": "CI", "icon": text})
    assert response.status_code == 400 and "not an image" in response.content.decode()
    assert not Integration.objects.exists() and not User.objects.filter(is_bot=True).exists()


def test_pause_regenerate_and_delete(client, community, owner, hook, post_to):
    client.force_login(owner)
    base = f"/communities/{community.slug}/integrations/{hook.integration.pk}"
    assert client.post(f"{base}/pause/", {"paused": "1"}).status_code == 302
    assert post_to(hook, "hello").status_code == 410
    client.post(f"{base}/pause/", {"paused": "0"})
    page = client.post(f"{base}/regenerate/").content.decode()
    assert post_to(hook, "hello").status_code == 403  # the old secret no longer works
    public = hook.integration.public_id
    new = page.split(f"/hooks/in/{public}/")[1].split("/")[0]
    response = client.post(f"/hooks/in/{public}/{new}/", "hello", content_type="text/plain")
    assert response.status_code == 201
    post = Post.objects.get()
    assert f"/posts/{post.pk}/" in client.get(f"{base[: base.rfind('/')]}/").content.decode()  # recent posts
    assert client.post(f"{base}/delete/").status_code == 302
    assert client.post(f"/hooks/in/{public}/{new}/", "again", content_type="text/plain").status_code == 404
    post.refresh_from_db()
    assert post.deleted_at is None and not post.author.is_active  # what it posted stays


def test_a_member_cannot_pause_or_delete(client, community, alice, hook):
    client.force_login(alice)
    base = f"/communities/{community.slug}/integrations/{hook.integration.pk}"
    assert client.post(f"{base}/pause/", {"paused": "1"}).status_code == 403
    assert client.post(f"{base}/delete/").status_code == 403
    assert client.post(f"{base}/regenerate/").status_code == 403
    hook.integration.refresh_from_db()
    assert not hook.integration.is_paused


def test_an_integrations_account_never_signs_in(client, hook):
    bot = hook.integration.bot
    bot.set_password("a-password-someone-set")
    bot.save()
    assert not client.login(email=bot.email, password="a-password-someone-set")
    client.force_login(bot)  # even a session made for it is not honoured
    assert client.get("/").status_code == 302


def test_integration_create_refuses_a_member(community, alice):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        integration_create(community=community, by=alice, name="CI")


def test_the_integrations_profile_page_names_it_as_an_integration(client, alice, hook, post_to):
    post_to(hook, "Build vert")
    client.force_login(alice)
    bot = hook.integration.bot
    page = client.get(f"/people/{bot.handle}/").content.decode()
    assert "CI Jenkins" in page and "Build vert" in page and "pill-integration" in page


def test_the_page_asks_the_same_queries_for_one_integration_or_several(client, community, owner, post_to):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(owner)
    url = f"/communities/{community.slug}/integrations/"
    made = [integration_create(community=community, by=owner, name="CI")]
    for n in range(7):  # more than the five shown
        post_to(made[0], f"build {n}")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "build 6" in page and "build 2" in page and "build 1<" not in page
    for name in ("CRM", "Supervision"):
        made.append(integration_create(community=community, by=owner, name=name))
        post_to(made[-1], f"from {name}")
    with CaptureQueriesContext(connection) as three:
        page = client.get(url).content.decode()
    assert "from CRM" in page and "from Supervision" in page and "build 6" in page
    assert len(three) == len(one)


def test_an_owner_renames_it_and_changes_its_icon(client, community, owner, alice, hook, post_to):
    post = Post.objects.get(pk=post_to(hook, "Build vert").json()["id"])
    client.force_login(owner)
    base = f"/communities/{community.slug}/integrations/{hook.integration.pk}"
    icon = SimpleUploadedFile("i.jpg", spy_jpeg((64, 64)), "image/jpeg")
    assert client.post(f"{base}/edit/", {"name": "Jenkins (prod)", "icon": icon}).status_code == 302
    bot = User.objects.get(pk=hook.integration.bot_id)
    assert bot.full_name == "Jenkins (prod)" and bot.profile.photo
    client.force_login(alice)
    assert "Jenkins (prod)" in client.get(f"/posts/{post.pk}/").content.decode()  # old posts too
    assert client.post(f"{base}/edit/", {"name": "Pirate"}).status_code == 403
    client.force_login(owner)
    text = SimpleUploadedFile("i.png", b"not an image", content_type="image/png")
    response = client.post(f"{base}/edit/", {"name": "Autre", "icon": text})
    assert response.status_code == 400 and "not an image" in response.content.decode()
    assert Integration.objects.get().name == "Jenkins (prod)"
