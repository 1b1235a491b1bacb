"""The feed's stamps move with everything a reader's home page shows, and not with a visit
(ruche/feed/stamps.py, ruche/web/stamps.py).

Changes go through the services people use, or the ORM where none is needed: the database's
triggers are what is tested. Run on SQLite and PostgreSQL (where the stamps move at the commit,
or when the transaction asks for its own: `stamps.flush`).
"""

import threading

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from ruche.accounts.models import Profile, User
from ruche.accounts.services import profile_update, user_follow, user_set_language, user_unfollow
from ruche.communities.models import Community, Placement
from ruche.communities.services.membership import community_join, community_leave
from ruche.feed import stamps
from ruche.feed.models import FeedEntry, Stamp
from ruche.posts.models import Hashtag, Post
from ruche.posts.services import bookmark_set, hashtag_follow, post_create, post_edit, reaction_set
from ruche.qa.services import answer_unvote, answer_vote, question_ask
from ruche.web.stamps import PAGE


def stamp(kind: int, item: int) -> int:
    stamps.flush(connection)
    return Stamp.objects.filter(kind=kind, item=item).values_list("version", flat=True).first() or 0


def moves(kind: int, item, change) -> bool:
    """Whether `change()` moves the stamp (kind, item); `item` may be a callable read first."""
    item = item() if callable(item) else item
    before = stamp(kind, item)
    change()
    return stamp(kind, item) > before


@pytest.fixture
def w(alice, bruno, chloe, david, make_community, side_effects):
    atelier = make_community("Atelier", members=[alice, bruno])
    user_follow(follower=alice, followed=chloe)
    with side_effects():
        post = post_create(author=bruno, body="Bonjour #qualite", communities=[atelier])
    names = {"alice": alice, "bruno": bruno, "chloe": chloe, "david": david, "atelier": atelier, "post": post}
    return type("World", (), names)


READER_CHANGES = {
    "follows someone": lambda w: user_follow(follower=w.alice, followed=w.bruno),
    "unfollows someone": lambda w: user_unfollow(follower=w.alice, followed=w.chloe),
    "follows a hashtag": lambda w: hashtag_follow(user=w.alice, hashtag=Hashtag.objects.get(key="qualite")),
    "joins a community": lambda w: community_join(community=_open(w), user=w.alice),
    "leaves a community": lambda w: community_leave(community=w.atelier, user=w.alice),
    "reacts": lambda w: reaction_set(post=w.post, user=w.alice, kind="like"),
    "saves a post": lambda w: bookmark_set(post=w.post, user=w.alice, saved=True),
    "gets a feed entry": lambda w: FeedEntry.objects.create(
        user=w.alice, post=post_create(author=w.david, body="Seul"), reason="follow", created=timezone.now()
    ),
    "loses a feed entry": lambda w: FeedEntry.objects.filter(user=w.alice).delete(),
    "changes language": lambda w: user_set_language(
        user=w.alice, language="fr" if w.alice.language != "fr" else "en"
    ),
    "is made an administrator": lambda w: User.objects.filter(pk=w.alice.pk).update(is_staff=True),
    "changes job title": lambda w: profile_update(profile=w.alice.profile, by=w.alice, job_title="Cheffe"),
    "adds a skill": lambda w: profile_update(profile=w.alice.profile, by=w.alice, skills=["Soudure"]),
    "votes for an answer": lambda w: answer_vote(user=w.alice, answer=_answer(w)),
}


def _answer(w):
    question = question_ask(author=w.bruno, body="Qui sait ?")
    return post_create(author=w.chloe, body="Moi", parent=question)


def _open(w) -> Community:
    return Community.objects.create(name="Ouverte", slug="ouverte", created_by=w.bruno)


@pytest.mark.parametrize("change", READER_CHANGES)
def test_what_a_reader_does_moves_their_stamp(w, change, side_effects):
    with side_effects():
        assert moves(stamps.READER, w.alice.pk, lambda: READER_CHANGES[change](w))


def test_a_vote_taken_back_moves_the_readers_stamp(w, side_effects):
    with side_effects():
        answer = _answer(w)
        answer_vote(user=w.alice, answer=answer)
        assert moves(stamps.READER, w.alice.pk, lambda: answer_unvote(user=w.alice, answer=answer))


def test_a_visit_moves_nothing(w):
    assert not moves(
        stamps.READER,
        w.alice.pk,
        lambda: User.objects.filter(pk=w.alice.pk).update(
            last_seen_at=timezone.now(), last_login=timezone.now()
        ),
    )
    assert not moves(stamps.READER, w.bruno.pk, lambda: user_follow(follower=w.chloe, followed=w.bruno))


SOURCE_CHANGES = {
    "a post written": (stamps.AUTHOR, "bruno", lambda w: post_create(author=w.bruno, body="Encore")),
    "a post edited": (stamps.AUTHOR, "bruno", lambda w: post_edit(post=w.post, by=w.bruno, body="Bonsoir")),
    "a reaction to a post": (stamps.AUTHOR, "bruno", lambda w: reaction_set(post=w.post, user=w.chloe, kind="like")),
    "a reply to a post": (stamps.AUTHOR, "bruno", lambda w: post_create(author=w.chloe, body="Oui", parent=w.post)),
    "a post hidden": (stamps.AUTHOR, "bruno", lambda w: Post.objects.filter(pk=w.post.pk).update(hidden_at=timezone.now())),
    "a post removed": (stamps.AUTHOR, "bruno", lambda w: Post.objects.filter(pk=w.post.pk).delete()),
    "a post tagged": (stamps.HASHTAG, "tag", lambda w: post_create(author=w.chloe, body="Vu #qualite")),
    "a tagged post changed": (stamps.HASHTAG, "tag", lambda w: reaction_set(post=w.post, user=w.chloe, kind="like")),
    "a post placed": (stamps.COMMUNITY, "atelier", lambda w: post_create(author=w.alice, body="Ici", communities=[w.atelier])),
    "a placement moved": (stamps.COMMUNITY, "atelier", lambda w: Placement.objects.filter(post=w.post).delete()),
    "a placed post changed": (stamps.COMMUNITY, "atelier", lambda w: post_edit(post=w.post, by=w.bruno, body="Re")),
    "a community renamed": (stamps.SHARED, "shared", lambda w: Community.objects.filter(pk=w.atelier.pk).update(name="Forge")),
}  # fmt: skip


@pytest.mark.parametrize("change", SOURCE_CHANGES)
def test_a_source_changed_moves_its_stamp(w, change, side_effects):
    kind, name, do = SOURCE_CHANGES[change]
    items = {
        "bruno": lambda: w.bruno.pk,
        "tag": lambda: Hashtag.objects.get(key="qualite").pk,
        "atelier": lambda: w.atelier.pk,
        "shared": lambda: 0,
    }
    with side_effects():
        assert moves(kind, items[name], lambda: do(w))


def test_the_page_watches_move_their_stamps(w, side_effects):
    """The home page's own watches (web/stamps.py): an announcement's receipt, a campaign."""
    from ruche.announcements.models import Announcement, Receipt

    announcement = Announcement.objects.create(author=w.bruno, title="Fermeture", body="Le 24")
    assert moves(
        stamps.READER, w.alice.pk, lambda: Receipt.objects.create(announcement=announcement, user=w.alice)
    )
    assert moves(
        stamps.SHARED, 0, lambda: Announcement.objects.filter(pk=announcement.pk).update(title="Ouverture")
    )


def _triggers() -> set[str]:
    """The triggers that fire (PostgreSQL keeps a disabled one listed)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'")
        return {row[0] for row in cursor.fetchall()}


def test_every_watch_has_its_triggers_after_all_migrations(db):
    """A migration that rebuilt a watched SQLite table without calling `stamps.install()` again
    would have lost them."""
    events = ["insert", "update", "delete"] + (["commit"] if connection.vendor == "postgresql" else [])
    expected = {f"{watch.name}_{event}" for watch in [*stamps.FEED, *PAGE] for event in events}
    assert expected <= _triggers()


def test_the_account_trigger_knows_every_column_of_the_table(db):
    """accounts_user's update trigger names the columns it watches: a column added since it was
    installed would move nothing. Such a migration calls `stamps.install()` again."""
    columns = [f.column for f in User._meta.concrete_fields]
    watch = stamps.FEED[0]
    assert watch.table == "accounts_user"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [f"{watch.name}_update"])
        else:
            cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [f"ruche_{watch.name}_update"])
        source = cursor.fetchone()[0]
    for column in columns:
        assert (f'"{column}"' in source) == (column not in watch.ignored), column


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one transaction at a time")
@pytest.mark.django_db(transaction=True)
def test_two_transactions_moving_the_same_stamps_in_opposite_orders_both_commit(alice, bruno, chloe):
    """Alice's reaction moves her stamp, then Bruno's (his post's version); a post of Bruno's edited
    in the same moment, then Alice's saved post, moves them the other way round. Moved at once, the
    second would wait for the first's lock and the first for the second's: a deadlock. Noted, then
    moved at the commit in one order, both commit."""
    first = post_create(author=bruno, body="Un")
    second = post_create(author=bruno, body="Deux")
    before = stamp(stamps.READER, alice.pk), stamp(stamps.AUTHOR, bruno.pk)
    step = threading.Barrier(2, timeout=20)
    errors = []

    def run(actions):
        try:
            with transaction.atomic():
                for action in actions:
                    action()
                    step.wait()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
            step.abort()
        finally:
            connections.close_all()

    one = threading.Thread(target=run, args=([
        lambda: reaction_set(post=first, user=alice, kind="like"),
        lambda: Post.objects.filter(pk=first.pk).update(body="Un !"),
    ],))  # fmt: skip
    two = threading.Thread(target=run, args=([
        lambda: Post.objects.filter(pk=second.pk).update(body="Deux !"),
        lambda: bookmark_set(post=second, user=alice, saved=True),
    ],))  # fmt: skip
    one.start(), two.start()
    one.join(60), two.join(60)
    assert not errors
    assert stamp(stamps.READER, alice.pk) >= before[0] + 2
    assert stamp(stamps.AUTHOR, bruno.pk) >= before[1] + 2


def test_profile_is_watched(w):
    assert moves(stamps.READER, w.alice.pk, lambda: Profile.objects.filter(user=w.alice).update(phone="0102"))


def test_paused_stamps_move_nothing_and_every_trigger_comes_back(w, side_effects):
    """A company written in bulk (ruche/demo/company.py) pauses them; they are all back after,
    even when the writing failed."""
    before = _triggers()
    with pytest.raises(RuntimeError), stamps.paused(connection):
        assert not {name for name in _triggers() if name.startswith("stamp_")}
        assert not moves(stamps.READER, w.alice.pk, lambda: user_follow(follower=w.alice, followed=w.bruno))
        raise RuntimeError("the writing failed")
    assert _triggers() == before
    assert moves(stamps.READER, w.alice.pk, lambda: user_follow(follower=w.alice, followed=w.david))
