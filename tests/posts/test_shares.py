"""Share a post with a comment (issue 13, item 5): a share never widens who may read the original."""

import re
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from ruche.accounts.services import user_follow
from ruche.communities.models import Community
from ruche.communities.services import post_hide
from ruche.notifications.mail import emails_send_due
from ruche.notifications.models import Notification
from ruche.posts import selectors
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete, post_edit, post_share

pytestmark = pytest.mark.django_db
SECRET_TEXT = "Résultats confidentiels du labo"


@pytest.fixture
def world(make_user, make_community, side_effects):
    """Olivia posts in a private workshop (Mia is a member); Mia shares it into a public community
    with a comment that mentions Colin, an outsider who follows her."""
    olivia = make_user("Olivia", "Secrète")
    mia = make_user("Mia", "Membre")
    colin = make_user("Colin", "Dehors")
    workshop = make_community(
        "Atelier fermé", visibility=Community.Visibility.PRIVATE, owner=olivia, members=[mia]
    )
    square = make_community("Place publique", owner=mia, members=[colin])
    user_follow(follower=colin, followed=mia)
    with side_effects():
        original = post_create(author=olivia, body=f"{SECRET_TEXT} #labo", communities=[workshop])
        share = post_share(
            author=mia, original=original, body=f"À lire, @{colin.handle} !", communities=[square]
        )
    return SimpleNamespace(
        olivia=olivia, mia=mia, colin=colin, workshop=workshop, square=square, original=original, share=share
    )


def leaks(text: str, w) -> list[str]:
    """What of the original a page or an answer shows: its text, author, community, id in a link."""
    found = [SECRET_TEXT, "#labo", w.olivia.full_name, w.olivia.handle, w.workshop.name, w.workshop.slug]
    found += [f"/posts/{w.original.pk}/", f"post-{w.original.pk}", f'data-post="{w.original.pk}"']
    found += [f'"id": {w.original.pk},', f'"id":{w.original.pk},']
    return [f for f in found if f in text]


def test_a_share_is_a_top_level_post_with_its_comment_and_counts_on_the_original(world):
    share, original = world.share, world.original
    assert share.is_share and share.shared_post == original and share.parent is None
    assert share.body == f"À lire, @{world.colin.handle} !"
    assert list(share.placements.values_list("community__name", flat=True)) == ["Place publique"]
    original.refresh_from_db()
    assert original.share_count == 1


def test_the_outsider_sees_the_comment_and_nothing_of_the_original_anywhere(client, world, side_effects):
    client.force_login(world.colin)
    pages = ["/", "/company/", f"/communities/{world.square.slug}/", f"/posts/{world.share.pk}/"]
    pages += [f"/people/{world.mia.handle}/", "/notifications/"]  # the last: an excerpt, no card
    for page in pages:
        html = client.get(page).content.decode()
        assert "À lire" in html, page
        assert page == "/notifications/" or "This content is not available." in html, page
        assert not leaks(html, world), (page, leaks(html, world))
    search = client.get("/search/", {"q": "lire"}).content.decode()
    assert f'href="/posts/{world.share.pk}/"' in search and not leaks(search, world), search
    assert SECRET_TEXT not in client.get("/search/", {"q": "confidentiels"}).content.decode()
    emails_send_due(now=timezone.now() + timedelta(days=1))  # the mention's e-mail, due after a delay
    sent = [m for m in mail.outbox if world.colin.email in m.to]
    assert any("À lire" in m.body for m in sent)
    for message in sent:
        html = "".join(str(body) for body, _type in getattr(message, "alternatives", []))
        assert not leaks(f"{message.subject}{message.body}{html}", world), message.subject
    told = Notification.objects.filter(recipient=world.colin, post=world.share)
    assert told.exists() and all(not leaks(str(vars(n)), world) for n in told)


def test_the_member_sees_the_original_embedded(client, world):
    client.force_login(world.mia)
    html = client.get(f"/posts/{world.share.pk}/").content.decode()
    assert "À lire" in html and SECRET_TEXT in html and world.olivia.full_name in html
    assert "Atelier fermé" in html and f"/posts/{world.original.pk}/" in html
    assert "This content is not available." not in html
    original = client.get(f"/posts/{world.original.pk}/").content.decode()
    assert "Shared 1 time" in original


def test_a_deleted_or_hidden_original_becomes_unavailable_to_everyone(client, world, admin):
    client.force_login(world.mia)
    post_hide(post=world.original, by=world.olivia, reason="Hors sujet")
    html = client.get(f"/posts/{world.share.pk}/").content.decode()
    assert "This content is not available." in html and SECRET_TEXT not in html
    post_hide(post=world.original, by=world.olivia, reason="", hide=False)
    assert SECRET_TEXT in client.get(f"/posts/{world.share.pk}/").content.decode()
    post_delete(post=world.original, by=world.olivia)
    for who in (world.mia, world.olivia):
        client.force_login(who)
        html = client.get(f"/posts/{world.share.pk}/").content.decode()
        assert "This content is not available." in html and SECRET_TEXT not in html


def test_a_hard_deleted_original_leaves_a_share_not_a_plain_post(client, world):
    Post.objects.filter(pk=world.original.pk).delete()
    share = Post.objects.get(pk=world.share.pk)
    assert share.is_share and share.shared_post_id is None
    client.force_login(world.mia)
    html = client.get(f"/posts/{share.pk}/").content.decode()
    assert "À lire" in html and "This content is not available." in html
    assert 'href="/posts/' + str(share.pk) + '/share/"' not in html  # nothing left to share
    (card,) = [p for p in selectors.company_feed(world.mia) if p.pk == share.pk]
    assert card.shared is not None and not card.shared.available


def test_leaving_the_community_takes_the_original_out_of_the_share(client, world):
    from ruche.communities.models import Membership

    Membership.objects.filter(community=world.workshop, user=world.mia).delete()
    client.force_login(world.mia)
    html = client.get(f"/posts/{world.share.pk}/").content.decode()
    assert "This content is not available." in html and not leaks(html, world)


def test_sharing_a_share_shares_its_original_and_deleting_a_share_counts_down(world):
    again = post_share(author=world.mia, original=world.share, body="")
    assert again.shared_post == world.original and again.body == ""
    world.original.refresh_from_db()
    assert world.original.share_count == 2
    post_delete(post=again, by=world.mia)
    post_delete(post=world.share, by=world.mia)
    world.original.refresh_from_db()
    assert world.original.share_count == 0


def test_a_share_may_be_edited_down_to_no_comment(world):
    post_edit(post=world.share, by=world.mia, body="")
    assert world.share.body == ""
    with pytest.raises(ValidationError):
        post_edit(post=world.original, by=world.olivia, body="")


def test_the_same_client_token_makes_one_share(world):
    token = uuid.uuid4()
    first = post_share(author=world.mia, original=world.original, body="Une fois", client_token=token)
    second = post_share(author=world.mia, original=world.original, body="Une fois", client_token=token)
    assert first.pk == second.pk
    world.original.refresh_from_db()
    assert world.original.share_count == 2  # the fixture's share, and this one


def _nothing_written(world, before: int):
    assert Post.objects.count() == before
    world.original.refresh_from_db()
    assert world.original.share_count == 1


def test_a_reply_cannot_be_shared(world):
    reply = post_create(author=world.mia, body="Bravo", parent=world.original)
    before = Post.objects.count()
    with pytest.raises(ValidationError) as refused:
        post_share(author=world.mia, original=reply, body="Regardez")
    assert "share its conversation" in str(refused.value)
    _nothing_written(world, before)


def test_what_the_sharer_may_not_read_is_refused_as_a_missing_post(world, make_user):
    before = Post.objects.count()
    with pytest.raises(Http404):
        post_share(author=world.colin, original=world.original, body="Je partage")
    with pytest.raises(Http404):  # nor through a share they may read
        post_share(author=world.colin, original=world.share, body="Je partage")
    _nothing_written(world, before)


def test_a_community_one_may_not_post_in_is_refused(world, make_community):
    closed = make_community("Autre cercle", visibility=Community.Visibility.PRIVATE)
    before = Post.objects.count()
    with pytest.raises(PermissionDenied):
        post_share(author=world.mia, original=world.original, body="Ici", communities=[closed])
    _nothing_written(world, before)


def test_an_over_long_comment_is_refused(world, settings):
    before = Post.objects.count()
    with pytest.raises(ValidationError) as refused:
        post_share(author=world.mia, original=world.original, body="x" * (settings.POST_MAX_LENGTH + 1))
    assert "body" in refused.value.message_dict
    _nothing_written(world, before)


def test_the_originals_author_is_told_only_when_they_may_read_the_share(world, make_community, side_effects):
    told = Notification.objects.filter(recipient=world.olivia, kind="share")
    assert told.count() == 1 and told.get().post == world.share and told.get().actor == world.mia
    public = post_create(author=world.olivia, body="Ouvert à tous")
    hidden = make_community("Cercle de Mia", visibility=Community.Visibility.PRIVATE, owner=world.mia)
    with side_effects():
        post_share(author=world.mia, original=public, body="Entre nous", communities=[hidden])
    assert told.count() == 1


# Pages -----------------------------------------------------------------------------------------


def test_the_share_page_shares_and_goes_to_the_new_post(client, world):
    client.force_login(world.mia)
    page = client.get(f"/posts/{world.original.pk}/share/")
    html = page.content.decode()
    assert page.status_code == 200 and SECRET_TEXT in html and "data-autocomplete" in html
    assert "My followers and the company feed" in html and "Place publique" in html
    response = client.post(
        f"/posts/{world.original.pk}/share/", {"body": "Encore", "destination": world.square.pk}
    )
    share = Post.objects.get(body="Encore")
    assert response.status_code == 302 and response.url == f"/posts/{share.pk}/"
    assert share.shared_post == world.original and share.placements.get().community == world.square
    token = re.search(r'name="client_token" value="([^"]+)"', html).group(1)
    for _twice in range(2):  # a double-submitted page shares once
        client.post(f"/posts/{world.original.pk}/share/", {"body": "Deux fois", "client_token": token})
    assert Post.objects.filter(body="Deux fois").count() == 1


def test_the_share_page_without_a_destination_shares_to_the_company(client, world):
    client.force_login(world.mia)
    public = post_create(author=world.olivia, body="Pour tous")
    client.post(f"/posts/{public.pk}/share/", {"body": "", "destination": ""})
    share = Post.objects.get(shared_post=public)
    assert share.body == "" and not share.placements.exists()


@pytest.mark.parametrize("case", ["reply", "long", "community", "unreadable"])
def test_the_share_page_refuses_clearly_and_writes_nothing(client, world, make_community, settings, case):
    reply = post_create(author=world.mia, body="Bravo", parent=world.original)
    closed = make_community("Autre cercle", visibility=Community.Visibility.PRIVATE)
    before = Post.objects.count()
    who, target, data, status, message = {
        "reply": (world.mia, reply, {"body": "x"}, 400, "A reply cannot be shared"),
        "long": (world.mia, world.original, {"body": "x" * (settings.POST_MAX_LENGTH + 1)}, 400, "at most"),
        "community": (
            world.mia,
            world.original,
            {"body": "x", "destination": closed.pk},
            400,
            "valid choice",
        ),
        "unreadable": (world.colin, world.original, {"body": "x"}, 404, ""),
    }[case]
    client.force_login(who)
    response = client.post(f"/posts/{target.pk}/share/", data)
    assert response.status_code == status and message in response.content.decode()
    _nothing_written(world, before)


def test_a_card_offers_share_to_a_reader_and_a_share_of_something_gone_does_not(client, world):
    client.force_login(world.mia)
    html = client.get(f"/posts/{world.original.pk}/").content.decode()
    assert f'href="/posts/{world.original.pk}/share/"' in html
    client.force_login(world.colin)
    html = client.get(f"/posts/{world.share.pk}/").content.decode()
    assert "/share/" not in html


def test_a_page_of_shares_takes_as_many_queries_as_a_page_of_posts(client, world, queries_of, side_effects):
    client.force_login(world.colin)
    for i in range(5):
        post_create(author=world.mia, body=f"Simple {i}")
    plain, _response = queries_of(lambda: client.get("/company/"))
    public = post_create(author=world.olivia, body="Ouvert")
    for i in range(10):
        post_share(author=world.mia, original=public if i % 2 else world.original, body=f"Partage {i}")
    shared, response = queries_of(lambda: client.get("/company/"))
    assert shared == plain
    html = response.content.decode()
    assert html.count("This content is not available.") == 6 and html.count("Ouvert") >= 5


def test_the_originals_files_show_to_its_readers_only(client, world, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from ruche.files.services import attachment_upload, attachments_attach

    settings.MEDIA_ROOT = tmp_path
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "JPEG")
    photo = attachment_upload(uploader=world.olivia, upload=SimpleUploadedFile("labo.jpg", out.getvalue()))
    attachments_attach(kind="post", holder_id=world.original.pk, ids=[photo.pk], by=world.olivia)
    client.force_login(world.mia)
    assert photo.file.name in client.get(f"/posts/{world.share.pk}/").content.decode()
    client.force_login(world.colin)
    html = client.get(f"/posts/{world.share.pk}/").content.decode()
    assert photo.file.name not in html and "labo.jpg" not in html
