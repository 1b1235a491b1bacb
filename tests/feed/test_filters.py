"""The home feed's filters and orders through `feed_page`, on posts made by the services: what each
filter lets through, pages without duplicates or gaps, and the unread marker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ruche.accounts.models import User
from ruche.accounts.services import user_follow
from ruche.communities.services.membership import community_join
from ruche.feed.choices import FILTERS, ORDERS, Choice, read_choice
from ruche.feed.selectors import feed_page
from ruche.feed.services import OPENED_EVERY, VISIT_GAP, feed_opened
from ruche.posts.models import Post
from ruche.posts.services import post_create, reaction_set
from ruche.qa.services import question_ask

pytestmark = pytest.mark.django_db

POST_FILTERS = [f for f in FILTERS if f != "announcements"]  # announcements are not posts


def walk(user, filter: str, order: str, size: int) -> list[list[int]]:
    """Every page of a choice, following each page's cursor as the pages' links do."""
    pages, cursor = [], None
    for _ in range(100):
        reading = read_choice(Choice(), filter=filter, order=order, cursor=cursor)
        assert reading.problem is None, (cursor, reading.problem)
        page = feed_page(user, reading, size=size)
        assert len(page.items) <= size and page.choice == Choice(filter, order)
        pages.append([p.pk for p in page])
        if page.next_cursor is None:
            return pages
        assert page.next_cursor.startswith(f"{filter}:{order}:")
        cursor = page.next_cursor
    raise AssertionError("the pages never end")


def flat(pages: list[list[int]]) -> list[int]:
    return [pk for page in pages for pk in page]


def one_page(user, filter="all", order="recent", size=100) -> list[int]:
    return [p.pk for p in feed_page(user, read_choice(Choice(filter, order)), size=size)]


@pytest.fixture
def world(alice, bruno, chloe, david, make_community, side_effects):
    """Alice follows Bruno and belongs to Atelier (where Chloé posts); David is nobody to her.

    Posts, oldest first: each is named by what it is to Alice."""
    atelier = make_community("Atelier", members=[chloe, bruno])
    community_join(community=atelier, user=alice)
    user_follow(follower=alice, followed=bruno)
    made = {}
    with side_effects():
        made["bruno"] = post_create(author=bruno, body="Bonjour à tous")
        made["chloe_atelier"] = post_create(author=chloe, body="Nouvel outil", communities=[atelier])
        made["bruno_question"] = question_ask(author=bruno, body="Qui a la clé ?")
        made["chloe_question"] = question_ask(author=chloe, body="Quelle date ?", communities=[atelier])
        made["own"] = post_create(author=alice, body="Mon billet")
        made["david"] = post_create(author=david, body="Ailleurs")
        made["bruno_atelier"] = post_create(author=bruno, body="Les deux", communities=[atelier])
        made["own_question"] = question_ask(author=alice, body="Ma question ?")
        post_create(author=bruno, body="Le 12.", parent=made["chloe_question"])  # answered
        post_create(author=chloe, body="Elle-même", parent=made["own_question"])  # answered
        made["david_question"] = question_ask(author=david, body="Pas pour Alice ?")
    return {name: post.pk for name, post in made.items()}


def newest_first(world, *names) -> list[int]:
    return sorted((world[n] for n in names), reverse=True)


EXPECTED = {
    "all": (
        "bruno",
        "chloe_atelier",
        "bruno_question",
        "chloe_question",
        "own",
        "bruno_atelier",
        "own_question",
    ),
    "following": ("bruno", "bruno_question", "bruno_atelier"),
    "communities": ("chloe_atelier", "chloe_question", "bruno_atelier"),
}


@pytest.mark.parametrize("filter", list(EXPECTED))
@pytest.mark.parametrize("order", list(ORDERS))
def test_a_filter_lets_through_its_posts_only(alice, world, filter, order):
    found = one_page(alice, filter, order)
    assert sorted(found, reverse=True) == newest_first(world, *EXPECTED[filter])
    if order == "recent":
        assert found == newest_first(world, *EXPECTED[filter])


def test_questions_unanswered_first_then_answered_in_the_recent_order(alice, world):
    unanswered = newest_first(world, "bruno_question")
    answered = newest_first(world, "chloe_question", "own_question")
    assert one_page(alice, "questions", "recent") == unanswered + answered


def test_questions_unanswered_first_in_the_relevant_order_too(alice, world):
    found = one_page(alice, "questions", "relevant")
    assert found[0] == world["bruno_question"]
    assert sorted(found[1:]) == sorted([world["chloe_question"], world["own_question"]])


def test_the_relevant_order_says_why(alice, world):
    page = feed_page(alice, read_choice(Choice("all", "relevant")), size=100)
    why = {p.pk: str(p.why) for p in page}
    assert why[world["bruno"]] == "Because you follow Bruno Lefèvre"
    assert why[world["chloe_atelier"]] == "In Atelier, one of your communities"
    assert why[world["own"]] == "Your post"
    # Alice's question got an answer from Chloé: that comes before "your post".
    assert why[world["own_question"]] == "Chloé Petit answered your question"


def test_the_recent_order_says_why_from_the_entry(alice, world):
    page = feed_page(alice, read_choice(Choice("all", "recent")), size=100)
    why = {p.pk: str(p.why) for p in page}
    assert why[world["bruno"]] == "Because you follow Bruno Lefèvre"
    assert why[world["chloe_atelier"]] == "In Atelier, one of your communities"
    assert why[world["own"]] == "Your post"


def test_a_mention_comes_first_in_the_relevant_order(alice, bruno, david, side_effects):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        mention = post_create(author=david, body=f"Merci @{alice.handle}")
        fresher = [post_create(author=bruno, body=f"Plus récent {i}") for i in range(2)]
    page = feed_page(alice, read_choice(Choice("all", "relevant")), size=100)
    assert [p.pk for p in page] == [mention.pk, fresher[1].pk, fresher[0].pk]
    assert [str(p.why) for p in page] == ["You are mentioned", *["Because you follow Bruno Lefèvre"] * 2]
    # In the most recent order, newest first.
    assert one_page(alice) == [fresher[1].pk, fresher[0].pk, mention.pk]


@pytest.fixture
def many(alice, bruno, chloe, make_community, side_effects):
    """Twelve posts in Alice's feed of every kind, some with reactions, some questions answered."""
    atelier = make_community("Atelier", members=[chloe, bruno])
    community_join(community=atelier, user=alice)
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        for i in range(12):
            author = [bruno, chloe, alice][i % 3]
            where = [atelier] if i % 2 else []
            if i % 4 == 0:
                post = question_ask(author=author, body=f"Question {i} ?", communities=where)
                if i % 8 == 0:
                    post_create(author=[chloe, bruno, bruno][i % 3], body="Réponse", parent=post)
            else:
                post = post_create(author=author, body=f"Message {i}", communities=where)
            for fan in [alice, bruno, chloe][: i % 4]:
                reaction_set(post=post, user=fan, kind="like")


@pytest.mark.parametrize("filter", POST_FILTERS)
@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("size", [2, 3])
def test_pages_have_no_duplicates_and_no_gaps(alice, many, filter, order, size):
    if filter == "unread":
        User.objects.filter(pk=alice.pk).update(feed_unread_after=Post.objects.order_by("id")[4].pk)
        alice.refresh_from_db()
    pages = walk(alice, filter, order, size)
    everything = one_page(alice, filter, order)
    assert everything, "the fixture gives every filter something to show"
    assert all(len(page) == size for page in pages[:-1])
    assert flat(pages) == everything


def test_questions_pages_cross_from_unanswered_to_answered(alice, bruno, side_effects):
    """Exactly a page of unanswered questions, then answered ones newer than them: none is skipped."""
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        unanswered = [question_ask(author=bruno, body=f"Ouverte {i} ?").pk for i in range(2)]
        answered = []
        for i in range(3):
            question = question_ask(author=bruno, body=f"Réglée {i} ?")
            post_create(author=alice, body="Oui", parent=question)
            answered.append(question.pk)
    expected = unanswered[::-1] + answered[::-1]
    for size in (1, 2, 3, 4, 5, 6):
        assert flat(walk(alice, "questions", "recent", size)) == expected, size
        assert flat(walk(alice, "questions", "relevant", size)) == expected, size


def test_older_questions_below_the_ranked_window_keep_their_pages(alice, bruno, side_effects):
    """Past the relevant order's window (posts older than its days), the older questions follow,
    newest first, on pages whose links work."""
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        old = [question_ask(author=bruno, body=f"Ancienne {i} ?").pk for i in range(3)]
        post_create(author=alice, body="Oui", parent=Post.objects.get(pk=old[1]))
    Post.objects.filter(pk__in=old).update(created=timezone.now() - timedelta(days=30))
    with side_effects():
        new = [question_ask(author=bruno, body=f"Récente {i} ?").pk for i in range(2)]
    pages = walk(alice, "questions", "relevant", 2)
    assert sorted(flat(pages[:1])) == sorted(new)
    assert sorted(flat(pages[1:])) == sorted(old) and len(flat(pages)) == 5


def test_relevant_pages_past_the_window_continue_newest_first(alice, bruno, settings, side_effects):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        old = [post_create(author=bruno, body=f"Ancien {i}").pk for i in range(3)]
    Post.objects.filter(pk__in=old).update(created=timezone.now() - timedelta(days=30))
    with side_effects():
        new = [post_create(author=bruno, body=f"Récent {i}").pk for i in range(3)]
    pages = walk(alice, "all", "relevant", 2)
    assert sorted(flat(pages)[:3]) == sorted(new)  # the window, ranked
    assert flat(pages)[3:] == old[::-1]  # below it, newest first


def test_unread_shows_only_posts_newer_than_the_previous_visit(alice, bruno, side_effects):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        seen = [post_create(author=bruno, body=f"Lu {i}").pk for i in range(2)]
    feed_opened(alice, choice=Choice(), explicit=False)  # the first visit: everything is unread
    assert (alice.feed_unread_after, alice.feed_seen_up_to) == (0, seen[-1])
    assert one_page(alice, "unread") == seen[::-1]
    with side_effects():
        new = [post_create(author=bruno, body=f"Nouveau {i}").pk for i in range(2)]
    # Back within the visit: the marker does not move, and nothing is written.
    feed_opened(alice, choice=Choice(), explicit=False)
    assert alice.feed_unread_after == 0 and alice.feed_seen_up_to == seen[-1]
    # A visit later: what existed when the previous one was last recorded is read.
    away = timezone.now() - VISIT_GAP - timedelta(seconds=1)
    User.objects.filter(pk=alice.pk).update(feed_opened_at=away)
    alice.refresh_from_db()
    feed_opened(alice, choice=Choice(), explicit=False)
    assert (alice.feed_unread_after, alice.feed_seen_up_to) == (seen[-1], new[-1])
    assert User.objects.get(pk=alice.pk).feed_unread_after == seen[-1]
    assert one_page(alice, "unread") == new[::-1]
    assert flat(walk(alice, "unread", "recent", 1)) == new[::-1]
    assert sorted(flat(walk(alice, "unread", "relevant", 1))) == sorted(new)
    # Reading on, later in the same visit (past OPENED_EVERY, within VISIT_GAP): the marker stays.
    with side_effects():
        later = post_create(author=bruno, body="Encore").pk
    User.objects.filter(pk=alice.pk).update(feed_opened_at=timezone.now() - OPENED_EVERY)
    alice.refresh_from_db()
    feed_opened(alice, choice=Choice(), explicit=False)
    assert (alice.feed_unread_after, alice.feed_seen_up_to) == (seen[-1], later)
    assert one_page(alice, "unread") == [later, *new[::-1]]


def test_feed_opened_remembers_an_explicit_choice_only(alice, django_assert_num_queries):
    feed_opened(alice, choice=Choice("questions", "relevant"), explicit=False)
    assert (alice.feed_filter, alice.feed_order) == ("all", "recent")
    feed_opened(alice, choice=Choice("questions", "relevant"), explicit=True)
    stored = User.objects.get(pk=alice.pk)
    assert (stored.feed_filter, stored.feed_order) == ("questions", "relevant")
    with django_assert_num_queries(0):  # the same choice, within a few minutes: nothing to write
        feed_opened(alice, choice=Choice("questions", "relevant"), explicit=True)


def test_the_announcements_filter_is_not_served_by_feed_page(alice, world):
    # The views and the API serve it from ruche.announcements; feed_page gives every post then.
    page = feed_page(alice, read_choice(Choice("announcements", "recent")), size=100)
    assert page.choice == Choice("announcements", "recent")


# --- Privacy: whatever the filter, order or cursor, nothing the reader may not read -----------------


@pytest.fixture
def secrets(alice, bruno, make_community, side_effects):
    """Alice follows Bruno, who also posts where she may not read: in a private and a secret community
    he belongs to (one post mentions her, one is a question), a post hidden by a moderator and a deleted
    one. Alice has stale feed entries for them all (as if she had left the communities)."""
    from ruche.communities.models import Community
    from ruche.feed.models import FeedEntry
    from ruche.posts.services import post_delete

    direction = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[bruno])
    projet = make_community("Projet X", visibility=Community.Visibility.SECRET, members=[bruno])
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        shown = [post_create(author=bruno, body=f"Pour tous {i}").pk for i in range(3)]
        hidden = {
            "private": post_create(author=bruno, body=f"Budget @{alice.handle}", communities=[direction]),
            "private_question": question_ask(author=bruno, body="Combien ?", communities=[direction]),
            "secret": post_create(author=bruno, body="Projet", communities=[projet]),
            "hidden": post_create(author=bruno, body="Hors sujet"),
            "deleted": post_create(author=bruno, body="Effacé"),
        }
        post_create(author=bruno, body="Réponse", parent=hidden["private_question"])
        shown.append(post_create(author=bruno, body="Après").pk)
    Post.objects.filter(pk=hidden["hidden"].pk).update(hidden_at=timezone.now())
    post_delete(post=hidden["deleted"], by=bruno)
    for post in hidden.values():
        FeedEntry.objects.get_or_create(
            user=alice, post=post, defaults={"reason": "community", "created": timezone.now()}
        )
    assert hidden["private"].pk in one_page(bruno) and hidden["secret"].pk in one_page(bruno)
    return shown, {name: post.pk for name, post in hidden.items()}


def forged(filter: str, order: str, pk: int) -> list[str]:
    """Cursors a reader could write by hand around a post they may not read."""
    if order == "relevant":
        payloads = [f"r{pk}-0", f"r{pk + 1}-0", f"r{pk}-1", f"r{pk}-9999", f"o{pk + 1}", f"o{pk}"]
    elif filter == "questions":
        payloads = [f"u{pk + 1}", f"a{pk + 1}", f"u{pk}"]
    else:
        payloads = [str(pk + 1), str(pk)]
    return [f"{filter}:{order}:{payload}" for payload in payloads]


@pytest.mark.parametrize("sources", ["entries", "pulled", "past-the-horizon"])
def test_nothing_unreadable_whatever_the_filter_order_or_cursor(alice, secrets, settings, sources):
    shown, hidden = secrets
    if sources == "pulled":  # Bruno's posts are pulled at read time as well
        settings.FEED_LARGE_AUDIENCE = 0
    if sources == "past-the-horizon":  # the entries were trimmed: posts come from the sources
        from ruche.feed.models import FeedEntry

        FeedEntry.objects.filter(user=alice).delete()
        User.objects.filter(pk=alice.pk).update(feed_horizon=Post.objects.order_by("-id")[0].pk)
        alice.refresh_from_db()
    forbidden = set(hidden.values())
    for filter in POST_FILTERS:
        for order in ORDERS:
            seen = flat(walk(alice, filter, order, 2))
            assert not forbidden & set(seen), (filter, order)
            if filter in ("all", "following", "unread"):
                assert sorted(seen) == sorted(shown), (filter, order)
            for pk in forbidden:
                for cursor in forged(filter, order, pk):
                    reading = read_choice(Choice(), filter=filter, order=order, cursor=cursor)
                    assert reading.problem is None, cursor
                    page = feed_page(alice, reading, size=2)
                    assert not forbidden & {p.pk for p in page}, cursor
                    assert set(shown) >= {p.pk for p in page}, cursor


def test_forged_cursors_through_the_api_and_the_page(alice, secrets, api_as, client):
    shown, hidden = secrets
    api = api_as(alice)
    client.force_login(alice)
    forbidden = set(hidden.values())
    for filter in FILTERS:
        for order in ORDERS:
            for cursor in forged(filter, order, hidden["private"]) + [f"{filter}:{order}:r1-9999"]:
                response = api.get("/feed/", filter=filter, order=order, cursor=cursor, limit=2)
                assert response.status_code == 200, cursor
                assert not forbidden & {p["id"] for p in response.json()["items"]}, cursor
                page = client.get("/", {"filter": filter, "order": order, "cursor": cursor})
                assert page.status_code == 200, cursor
                assert not forbidden & {p.pk for p in page.context["page"]}, cursor
