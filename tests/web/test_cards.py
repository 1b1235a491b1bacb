"""Post cards kept once for every reader (ruche/web/cards.py) are exact: a kept card, completed for a
reader, is byte for byte the card drawn for them; every change to what a card shows is on the next
page; nothing of one reader reaches another's card; a NUL the card did not put there is refused.

"Live" pages are drawn with `cards.cacheable` answering False (every card drawn for its reader);
"kept" pages with the cache on, after a first page has kept the cards."""

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from ruche.accounts.services import (
    profile_set_photo,
    profile_update,
    user_follow,
    user_set_language,
)
from ruche.communities.models import Community
from ruche.files.services import attachment_upload
from ruche.posts.models import Post
from ruche.posts.services import bookmark_set, post_create, reaction_set
from ruche.qa.services import question_ask
from ruche.web import cards
from ruche.web.templatetags import ruche as tags
from tests.local_sites import LocalSite

Visibility = Community.Visibility
RANDOM = re.compile(r'(name="(?:csrfmiddlewaretoken|client_token)" value=")[^"]+|("X-CSRFToken": ")[^"]+')
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def jpeg(colour=(40, 120, 90), size=(400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def article(title: str) -> tuple[int, dict, bytes]:
    html = f"""<html><head><meta property="og:title" content="{title}">
    <meta property="og:description" content="La vie de l'usine"><meta property="og:site_name" content="L'Usine">
    <meta property="og:image" content="/cover.jpg"></head></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


@pytest.fixture(autouse=True)
def _nothing_kept(settings, tmp_path):
    """Ids repeat from one test to the next: no test starts with another's kept cards."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cards.forget_all()
    yield
    cards.forget_all()


@pytest.fixture
def site(settings):
    routes = {
        "/article": article("Robots de soudure"),
        "/later": article("Nouvelle ligne de peinture"),
        "/cover.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg((200, 120, 30))),
    }
    with LocalSite(routes) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


@pytest.fixture
def drawn(monkeypatch):
    """Counts the card drawings (kept cards are not drawn again)."""
    calls = []
    real = tags._jinja

    def spy(name, values, **kw):
        if name == "posts/card.html":
            calls.append(values["post"].pk)
        return real(name, values, **kw)

    monkeypatch.setattr(tags, "_jinja", spy)
    return calls


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return RANDOM.sub(r"\1\2…", response.content.decode())


def live(client, url: str, monkeypatch) -> str:
    with monkeypatch.context() as m:
        m.setattr(cards, "cacheable", lambda *args: False)
        return html_of(client, url)


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card post[^"]*" id="post-(\d+)"', html)]


def card(html: str, pk: int) -> str:
    """One card of a page (cards do not nest)."""
    found = re.search(rf'<article class="card post[^"]*" id="post-{pk}".*?</article>', html, re.S)
    assert found, f"no card {pk}"
    return found.group(0)


def kept_ids() -> set[int]:
    return {int(re.search(r'id="post-(\d+)"', parts[0]).group(1)) for parts in cards._kept.values()}


@pytest.fixture
def world(make_user, make_community, add_member, side_effects, site, admin, settings):  # noqa: PLR0915 - one rich page
    """A feed with every kind of card: replies (one, and more than shown), each reaction kind, a
    saved post, a link preview, photos and a PDF, public / private / secret communities, a reply by
    someone else, and cards that are always drawn live (the reader's own post, a question)."""
    settings.FEED_LARGE_AUDIENCE = 0  # authors are pulled at read time as well
    alice = user_set_language(user=make_user("Alice", "Martin"), language="fr")  # with a photo
    chloe = make_user("Chloé", "Petit")  # reads in English, no photo
    bruno = make_user("Bruno", "Lefèvre")
    david = make_user("David", "Roux")
    emma = make_user("Emma", "Blanc")
    profile_set_photo(profile=alice.profile, by=alice, upload=upload("alice.jpg", jpeg((10, 10, 200))))
    profile_update(profile=bruno.profile, by=bruno, job_title="Chef d'atelier")
    for reader in (alice, chloe):
        for author in (bruno, david, emma):
            user_follow(follower=reader, followed=author)
    public = make_community("Atelier", members=[alice, bruno, chloe, david, emma])
    other = make_community("Logistique", members=[alice, chloe, bruno])
    private = make_community("Direction", visibility=Visibility.PRIVATE, members=[alice, bruno])
    secret = make_community("Projet X", visibility=Visibility.SECRET, members=[alice, bruno, chloe])
    hidden = make_community("Projet Y", visibility=Visibility.SECRET, members=[bruno, chloe])
    with side_effects():
        plain = post_create(author=bruno, body="Bonjour **à tous**")
        post_create(author=chloe, body="Bonjour Bruno", parent=plain)
        many = post_create(author=david, body="Inventaire du *stock*", communities=[public])
        for i, who in enumerate([bruno, chloe, emma, bruno, emma]):
            post_create(author=who, body=f"Réponse {i}", parent=many)
        link = post_create(author=emma, body=f"À lire : {site.url('/article')}", communities=[public])
        photo = attachment_upload(uploader=bruno, upload=upload("atelier.jpg", jpeg()))
        pdf = attachment_upload(uploader=bruno, upload=upload("compte rendu.pdf", PDF))
        files = post_create(author=bruno, body="Les photos", attachments=[photo.pk, pdf.pk])
        reply_photo = attachment_upload(uploader=david, upload=upload("détail.jpg", jpeg((1, 2, 3))))
        post_create(author=david, body="Un détail", parent=files, attachments=[reply_photo.pk])
        private_post = post_create(author=bruno, body="Budget confidentiel", communities=[private])
        secret_post = post_create(author=bruno, body="Projet secret X", communities=[secret])
        both = post_create(author=bruno, body="Public et secret Y", communities=[public, hidden])
        own = post_create(author=alice, body="Mon propre message")
        question = question_ask(author=david, body="Qui connaît l'ISO 9001 ?", communities=[public])
        replied = post_create(author=emma, body="Alice a répondu ici")
        post_create(author=alice, body="Ma réponse", parent=replied)
    for kind, who in zip(
        ["like", "bravo", "love", "insightful", "funny"], [bruno, chloe, emma, alice, admin]
    ):
        reaction_set(post=many, user=who, kind=kind)
    reaction_set(post=plain, user=alice, kind="love")
    reaction_set(post=plain, user=emma, kind="like")
    reaction_set(post=link, user=chloe, kind="funny")
    reaction_set(post=many.replies.first(), user=alice, kind="bravo")
    bookmark_set(post=many, user=alice, saved=True)
    bookmark_set(post=files, user=chloe, saved=True)
    # Written hours ago: the relative times say the same thing in both drawings of a page.
    Post.objects.update(created=timezone.now() - timedelta(hours=5))
    return SimpleNamespace(
        alice=alice, chloe=chloe, bruno=bruno, david=david, emma=emma, admin=admin,
        public=public, other=other, private=private, secret=secret, hidden=hidden,
        plain=plain, many=many, link=link, files=files, private_post=private_post,
        secret_post=secret_post, both=both, own=own, question=question, replied=replied,
        # Drawn for the reader every time: their own words (a post, a reply shown), a question.
        drawn_live={alice.pk: {own.pk, question.pk, replied.pk}, chloe.pk: {plain.pk, question.pk}},
    )  # fmt: skip


def pages(w) -> list[str]:
    return [
        "/",
        "/?order=relevant",  # with the reasons why each post is there
        "/company/",
        w.public.get_absolute_url(),
        w.private.get_absolute_url(),
        w.secret.get_absolute_url(),
    ]


# 1. Kept = live, byte for byte ----------------------------------------------------------------


@pytest.mark.parametrize("reader", ["alice", "chloe"])
def test_a_page_of_kept_cards_is_the_page_drawn_for_the_reader(client, world, reader, drawn, monkeypatch):
    user = getattr(world, reader)
    client.force_login(user)
    for url in pages(world):
        if url == world.private.get_absolute_url() and reader == "chloe":
            continue  # not hers to read
        expected = live(client, url, monkeypatch)
        cards.forget_all()
        drawn.clear()
        first = html_of(client, url)
        shown = card_ids(first)
        assert shown and len(drawn) == len(shown)  # each card drawn once, for the reader or to keep
        to_keep = set(shown) - world.drawn_live[user.pk]
        assert kept_ids() == to_keep and len(cards._kept) == len(to_keep), url
        drawn.clear()
        second = html_of(client, url)
        assert sorted(drawn) == sorted(pk for pk in shown if pk in world.drawn_live[user.pk]), (
            url
        )  # the rest kept
        assert len(cards._kept) == len(to_keep)
        assert first == expected, url
        assert second == expected, url


def test_the_page_holds_every_kind_of_card(client, world):
    client.force_login(world.alice)
    html = html_of(client, "/")
    ids = set(card_ids(html))
    assert {world.plain.pk, world.many.pk, world.link.pk, world.files.pk, world.private_post.pk} <= ids
    assert {world.secret_post.pk, world.both.pk, world.own.pk, world.question.pk, world.replied.pk} <= ids
    assert "Répondre" in html  # French
    assert 'class="more-replies"' in card(html, world.many.pk)
    assert "Robots de soudure" in card(html, world.link.pk)
    files = card(html, world.files.pk)
    assert 'class="document-tile"' in files and files.count('class="attachment-images') == 2
    assert 'value="love" class="reaction-button active"' in card(html, world.plain.pk)
    assert 'class="saved-mark"' in card(html, world.many.pk)
    assert "Projet Y" not in card(html, world.both.pk) and "Atelier" in card(html, world.both.pk)
    assert world.alice.profile.photo.url in card(html, world.plain.pk)  # her avatar by the reply box
    assert 'class="reason"' in html_of(client, "/?order=relevant")
