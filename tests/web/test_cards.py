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
    user_deactivate,
    user_follow,
    user_set_language,
)
from ruche.communities import services as communities
from ruche.communities.models import Community, Placement
from ruche.feed import memo
from ruche.files.display import attach_rules
from ruche.files.models import Attachment
from ruche.files.services import attachment_upload, file_settings_update
from ruche.links.services import preview_fetch
from ruche.posts.models import Post
from ruche.posts.selectors import CARD_RELATED, hydrate
from ruche.posts.services import (
    bookmark_set,
    link_preview_hide,
    post_create,
    post_delete,
    post_edit,
    post_share,
    reaction_set,
)
from ruche.qa.services import answer_accept, answer_vote, question_ask
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
        m.setattr(cards.store, "has", lambda *args: False)  # the feed loads every post
        m.setattr(memo, "find", lambda *args: None)  # and no kept page is given or kept
        m.setattr(memo, "keep", lambda *args, **kwargs: None)
        return html_of(client, url)


@pytest.fixture(params=["cards kept", "page kept"])
def kept_page(request, monkeypatch) -> SimpleNamespace:
    """Cards kept, or the whole page too (ruche/feed/memo.py), with the cards drawn for the reader
    (their own post, a question, a share), whose changes the stamps also follow: the page is given
    again until a change moves them. `given`: the kept pages given."""
    whole = request.param == "page kept"
    if not whole:
        monkeypatch.setattr(memo, "keep", lambda *args, **kwargs: None)
    given = request.getfixturevalue("kept_pages_given")
    return SimpleNamespace(whole=whole, given=given)


def card_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<article class="card post[^"]*" id="post-(\d+)"', html)]


def card(html: str, pk: int) -> str:
    """One card of a page (cards do not nest)."""
    found = re.search(rf'<article class="card post[^"]*" id="post-{pk}".*?</article>', html, re.S)
    assert found, f"no card {pk}"
    return found.group(0)


def kept_ids() -> set[int]:
    return {int(re.search(r'id="post-(\d+)"', parts[0]).group(1)) for parts in cards.store.values()}


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
        answer = post_create(author=bruno, body="Voir la norme", parent=question)
        notice = post_create(author=admin, body="Note de service")  # on no page but through its share
        shared = post_share(author=emma, original=notice, body="À relayer")
        replied = post_create(author=emma, body="Alice a répondu ici")
        post_create(author=alice, body="Ma réponse", parent=replied)
    # Its preview not fetched yet (its fetch runs after a commit that never comes), pulled at read time.
    later = post_create(author=emma, body=f"Bientôt : {site.url('/later')}")
    thumbnail = Attachment.objects.get(pk=photo.pk).thumbnail.name
    Attachment.objects.filter(pk=photo.pk).update(thumbnail="")  # its thumbnail not made yet
    kinds = ["like", "bravo", "love", "insightful", "funny"]  # each kind, on one post
    for kind, who in zip(kinds, [bruno, chloe, emma, alice, admin], strict=True):
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
        secret_post=secret_post, both=both, own=own, question=question, answer=answer, replied=replied,
        later=later, notice=notice, shared=shared, photo=photo, thumbnail=thumbnail,
        # Drawn for the reader every time: their own words (a post, a reply shown), a question, a share.
        drawn_live={
            alice.pk: {own.pk, question.pk, replied.pk, shared.pk},
            chloe.pk: {plain.pk, question.pk, shared.pk},
        },
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
    monkeypatch.setattr(memo, "keep", lambda *args, **kwargs: None)  # the cards, not the whole page
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
        assert kept_ids() == to_keep and len(cards.store) == len(to_keep), url
        drawn.clear()
        second = html_of(client, url)
        assert sorted(drawn) == sorted(pk for pk in shown if pk in world.drawn_live[user.pk]), (
            url
        )  # the rest kept
        assert len(cards.store) == len(to_keep)
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


# 2. Every change shows on the next page -------------------------------------------------------


class Case(SimpleNamespace):
    """A change to make once the card `pk` is kept for `reader`; on `url`, the card then holds `new`
    and not `old` (None: nothing to look for), or is gone."""

    url = "/"
    gone = False
    old = new = None
    drawn_live = False  # a card drawn for its reader every time (a question, a share): never kept


def reply_of(post, body: str) -> Post:
    return post.replies.get(body=body)


def moved(post, into) -> None:
    Placement.objects.filter(post=post).delete()
    if into is not None:
        Placement.objects.create(post=post, community=into, status=Placement.Status.APPROVED)


CASES = {
    "post edited": lambda w: Case(
        reader=w.chloe, pk=w.files.pk, old="<p>Les photos</p>", new="<p>Les photos du jour</p>",
        apply=lambda: post_edit(post=w.files, by=w.bruno, body="Les photos du jour"),
    ),
    "a reaction by someone else": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old="data-reaction-count>1<", new="data-reaction-count>2<",
        apply=lambda: reaction_set(post=w.link, user=w.david, kind="love"),
    ),
    "the reader's own reaction changed": lambda w: Case(
        reader=w.chloe, pk=w.link.pk,
        old='value="funny" class="reaction-button active"', new='value="insightful" class="reaction-button active"',
        apply=lambda: reaction_set(post=w.link, user=w.chloe, kind="insightful"),
    ),
    "a reaction to a reply": lambda w: Case(
        reader=w.chloe, pk=w.files.pk, old=None, new='<span aria-hidden="true">😄</span>',
        apply=lambda: reaction_set(post=reply_of(w.files, "Un détail"), user=w.emma, kind="funny"),
    ),
    "a reply added": lambda w: Case(
        reader=w.chloe, pk=w.many.pk, old="<p>Réponse 2</p>", new="<p>Une de plus</p>",
        apply=lambda: post_create(author=w.david, body="Une de plus", parent=w.many),
    ),
    "a reply edited": lambda w: Case(
        reader=w.chloe, pk=w.many.pk, old="<p>Réponse 4</p>", new="<p>Réponse 4, revue</p>",
        apply=lambda: post_edit(post=reply_of(w.many, "Réponse 4"), by=w.emma, body="Réponse 4, revue"),
    ),
    "a reply deleted": lambda w: Case(
        reader=w.chloe, pk=w.many.pk, old="<p>Réponse 4</p>", new="<p>Réponse 1</p>",
        apply=lambda: post_delete(post=reply_of(w.many, "Réponse 4"), by=w.emma),
    ),
    "a reply hidden by a moderator": lambda w: Case(
        reader=w.chloe, pk=w.many.pk, old="<p>Réponse 4</p>", new="<p>Réponse 1</p>",
        apply=lambda: communities.post_hide(post=reply_of(w.many, "Réponse 4"), by=w.admin, reason="Hors sujet"),
    ),
    "the post hidden by a moderator": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, gone=True,
        apply=lambda: communities.post_hide(post=w.link, by=w.admin, reason="Hors sujet"),
    ),
    "the post deleted": lambda w: Case(
        reader=w.chloe, pk=w.files.pk, gone=True, apply=lambda: post_delete(post=w.files, by=w.bruno)
    ),
    "the preview removed by the author": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old="Robots de soudure",
        apply=lambda: link_preview_hide(post=w.link, by=w.emma),
    ),
    "the post shared by someone else": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, new='class="share-count"',
        apply=lambda: post_share(author=w.david, original=w.link, body=""),
    ),
    "the post moved to another community": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old=">Atelier</a>", new=">Logistique</a>",
        apply=lambda: moved(w.link, w.other),
    ),
    "the post taken out of its community": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old=">Atelier</a>", apply=lambda: moved(w.link, None)
    ),
    "the post moved where the reader may not read": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, gone=True, apply=lambda: moved(w.link, w.private)
    ),
    "its community renamed": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old=">Atelier</a>", new=">Atelier central</a>",
        apply=lambda: communities.community_update(community=w.public, by=w.public.created_by, name="Atelier central"),
    ),
    "the reader leaves a private community (home)": lambda w: Case(
        reader=w.alice, pk=w.private_post.pk, gone=True,
        apply=lambda: communities.community_leave(community=w.private, user=w.alice),
    ),
    "the reader leaves a secret community: its name leaves the card": lambda w: Case(
        reader=w.chloe, pk=w.both.pk, old=">Projet Y</a>", new=">Atelier</a></div>",
        apply=lambda: communities.community_leave(community=w.hidden, user=w.chloe),
    ),
    "the author renamed": lambda w: Case(
        reader=w.chloe, pk=w.files.pk, old=">Bruno Lefèvre</a>", new=">Bruneau Lefèvre</a>",
        apply=lambda: profile_update(profile=w.bruno.profile, by=w.bruno, first_name="Bruneau"),
    ),
    "a replier renamed": lambda w: Case(
        reader=w.chloe, pk=w.files.pk, old=">David Roux</a>", new=">Davide Roux</a>",
        apply=lambda: profile_update(profile=w.david.profile, by=w.david, first_name="Davide"),
    ),
    "the author given a job title": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, new="Responsable qualité ·",
        apply=lambda: profile_update(profile=w.emma.profile, by=w.emma, job_title="Responsable qualité"),
    ),
    "the author given a photo": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old='aria-label="Emma Blanc">EB</span>', new='<img class="avatar" src="/media/',
        apply=lambda: profile_set_photo(profile=w.emma.profile, by=w.emma, upload=upload("e.jpg", jpeg())),
    ),
    "the author deactivated": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old=">Emma Blanc</a>", new=">Emma Blanc (former colleague)</a>",
        apply=lambda: user_deactivate(user=w.emma, by=w.admin),
    ),
    "a link preview fetched later": lambda w: Case(
        reader=w.chloe, pk=w.later.pk, new="Nouvelle ligne de peinture",
        apply=lambda: preview_fetch(w.later.link_preview_id),
    ),
    "a thumbnail made later": lambda w: Case(
        reader=w.chloe, pk=w.files.pk,
        old=f'<img src="/media/{w.photo.file.name}"', new=f'<img src="/media/{w.thumbnail}"',
        apply=lambda: Attachment.objects.filter(pk=w.photo.pk).update(thumbnail=w.thumbnail),
    ),
    "the post unsaved by the reader": lambda w: Case(
        reader=w.chloe, pk=w.files.pk, old='class="saved-mark"', new='name="saved" value="1"',
        apply=lambda: bookmark_set(post=w.files, user=w.chloe, saved=False),
    ),
    "the post saved by the reader": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old='name="saved" value="1"', new='class="saved-mark"',
        apply=lambda: bookmark_set(post=w.link, user=w.chloe, saved=True),
    ),
    "an answer to the question": lambda w: Case(
        reader=w.chloe, drawn_live=True, pk=w.question.pk, new="<p>Norme ISO 9001:2015</p>",
        apply=lambda: post_create(author=w.emma, body="Norme ISO 9001:2015", parent=w.question),
    ),
    "a vote for an answer": lambda w: Case(
        reader=w.chloe, drawn_live=True, pk=w.question.pk,
        old='aria-pressed="false">▲ 0<', new='aria-pressed="false">▲ 1<',
        apply=lambda: answer_vote(user=w.emma, answer=w.answer),
    ),
    "the reader's own vote": lambda w: Case(
        reader=w.chloe, drawn_live=True, pk=w.question.pk,
        old='aria-pressed="false">▲ 0<', new='aria-pressed="true">▲ 1<',
        apply=lambda: answer_vote(user=w.chloe, answer=w.answer),
    ),
    "an answer accepted": lambda w: Case(
        reader=w.chloe, drawn_live=True, pk=w.question.pk, new="Accepted answer",
        apply=lambda: answer_accept(by=w.david, answer=w.answer),
    ),
    "the original of a share edited": lambda w: Case(
        reader=w.chloe, drawn_live=True, pk=w.shared.pk,
        old="<p>Note de service</p>", new="<p>Note de service révisée</p>",
        apply=lambda: post_edit(post=w.notice, by=w.admin, body="Note de service révisée"),
    ),
    "the original of a share moved where the reader may not read": lambda w: Case(
        reader=w.chloe, drawn_live=True, pk=w.shared.pk, old="<p>Note de service</p>",
        apply=lambda: moved(w.notice, w.private),
    ),
    "the language switched": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old=">Reply</button>", new=">Répondre</button>",
        apply=lambda: user_set_language(user=w.chloe, language="fr"),
    ),
    "the attachment rules changed": lambda w: Case(
        reader=w.chloe, pk=w.link.pk, old=f'data-max-bytes="{attach_rules()["max_bytes"]}"',
        new='data-max-bytes="7340032"',
        apply=lambda: file_settings_update(by=w.admin, max_size_mb=7, groups=["image", "pdf"]),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", CASES)
def test_every_change_shows_on_the_next_page(client, world, name, monkeypatch, kept_page):
    case = CASES[name](world)
    client.force_login(case.reader)
    html_of(client, case.url)
    before = html_of(client, case.url)  # served from the kept card (and the kept page)
    assert (case.pk in kept_ids()) != case.drawn_live
    assert len(kept_page.given) == kept_page.whole  # the second page was the first one, kept

    if case.old:
        assert case.old in card(before, case.pk)
    if case.new:
        assert case.new not in card(before, case.pk)
    case.apply()
    after = html_of(client, case.url)
    assert after == live(client, case.url, monkeypatch)
    if case.gone:
        assert case.pk not in card_ids(after)
        return
    if case.old:
        assert case.old not in card(after, case.pk)
    if case.new:
        assert case.new in card(after, case.pk)


def test_a_reader_who_leaves_a_private_community_no_longer_reads_it_there(client, world):
    client.force_login(world.alice)
    url = world.private.get_absolute_url()
    assert world.private_post.pk in card_ids(html_of(client, url))
    communities.community_leave(community=world.private, user=world.alice)
    assert card_ids(html_of(client, url)) == []


def test_equal_reaction_counts_draw_the_same_card_whatever_order_the_database_gives(world):
    """PostgreSQL gives kinds of equal count in any order: the card must not follow it, or readers
    would see a kept card's emojis in another order than a fresh one's."""
    post = hydrate(list(Post.objects.select_related(*CARD_RELATED).filter(pk=world.many.pk)), world.chloe)[0]
    assert len({n for _emoji, n in post.reaction_summary}) == 1 < len(post.reaction_summary)  # all tied
    drawings = set()
    for summary in (post.reaction_summary, post.reaction_summary[::-1]):
        post.reaction_summary = summary
        cards.forget_all()  # drawn afresh each time
        drawings.add(RANDOM.sub(r"\1\2…", tags.card({"user": world.chloe}, post)))
    assert len(drawings) == 1


# 3. Nothing of one reader reaches another's card ----------------------------------------------


@pytest.mark.parametrize("url", ["/", "/?order=relevant"])
def test_a_card_kept_for_one_reader_is_completed_with_the_next_readers_own_state(
    client, world, url, drawn, monkeypatch
):
    alice, chloe, many = world.alice, world.chloe, world.many
    user_set_language(user=alice, language="en")  # the same language: the same kept cards
    expected = {}
    for reader in (alice, chloe):
        client.force_login(reader)
        expected[reader.pk] = live(client, url, monkeypatch)
    cards.forget_all()
    for first, then in ((alice, chloe), (chloe, alice)):
        cards.forget_all()
        client.force_login(first)
        html_of(client, url)
        drawn.clear()
        client.force_login(then)
        html = html_of(client, url)
        assert many.pk not in drawn and len(drawn) < len(card_ids(html))  # completed from kept parts
        assert html == expected[then.pk]
    client.force_login(chloe)
    mine = card(html_of(client, url), many.pk)  # Alice reacted 💡 and saved it; Chloé reacted 👏
    assert 'value="bravo" class="reaction-button active"' in mine
    assert 'value="insightful" class="reaction-button active"' not in mine
    assert 'class="saved-mark"' not in mine and 'name="saved" value="1"' in mine
    reply_box = mine[mine.index('<form class="reply-form"') :]
    assert alice.profile.photo.url not in reply_box and 'aria-label="Chloé Petit">CP</span>' in reply_box
    client.force_login(alice)
    hers = card(html_of(client, url), many.pk)
    assert 'value="insightful" class="reaction-button active"' in hers and 'class="saved-mark"' in hers
    assert alice.profile.photo.url in hers[hers.index('<form class="reply-form"') :]
    if url.endswith("relevant"):
        reasons = [re.findall(r'<span class="reason">[^<]*</span>', c) for c in (mine, hers)]
        assert reasons[0] and reasons[1]
        assert reasons[0] == re.findall(
            r'<span class="reason">[^<]*</span>', card(expected[chloe.pk], many.pk)
        )


# 4. A NUL the card did not put there is refused -----------------------------------------------


def test_the_marks_are_split_and_a_stray_nul_is_refused():
    recorder = {("react", 7): {None: "<b>like</b>"}}
    parts = cards._split("<a>\x00react:7\x00</a>\x00ago:-1\x00", recorder)
    assert parts == ["<a>", ("react", 7, {None: "<b>like</b>"}), "</a>", ("ago", -1, None), ""]
    for html in ("<p>a\x00b</p>", "<p>\x00react:x\x00</p>", "<p>\x00Saved:1\x00</p>", "\x00react:1"):
        with pytest.raises(ValueError, match="NUL"):
            cards._split(html, recorder)


def test_a_nul_in_what_someone_writes_never_reaches_a_card(client, alice):
    client.force_login(alice)
    response = client.post("/posts/new/", {"body": "Bonjour \x00react:1\x00", "kind": "post"})
    assert response.status_code == 400
    assert not Post.objects.exists()


def test_a_card_forgotten_between_the_feed_and_its_drawing_is_drawn_from_its_post(client, world, monkeypatch):
    """The feed found a kept card, another request made the store forget it before this page drew
    it: the post is loaded and drawn for the reader, the page the same."""
    client.force_login(world.chloe)
    expected = live(client, "/", monkeypatch)
    html_of(client, "/")  # kept
    with monkeypatch.context() as m:
        m.setattr(cards.store, "has", lambda *args: True)  # the feed's look said yes,
        m.setattr(cards.store, "get", lambda *args: None)  # then it was gone
        assert html_of(client, "/") == expected
