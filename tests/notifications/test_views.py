import pytest

from ruche.accounts.services import user_follow
from ruche.notifications.models import Notification
from ruche.posts.services import post_create, reaction_set
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def told(alice, bruno, make_user, side_effects):
    """Alice has: a mention, a reply, reactions from four people, a new follower."""
    chloe, david, emma = (make_user(n, "Test") for n in ("Chloé", "David", "Emma"))
    with side_effects():
        mention = post_create(
            author=bruno, body="**Bravo** @alice.martin, voir [le plan](https://example.com)"
        )
        post = post_create(author=alice, body="Mon annonce")
        post_create(author=chloe, body="Super", parent=post)
        for person in (bruno, chloe, david, emma):
            reaction_set(post=post, user=person, kind="like")
        user_follow(follower=david, followed=alice)
    return {"mention": mention, "post": post}


def test_notifications_page_and_unread_badge(client, alice, told):
    client.force_login(alice)
    response = client.get("/notifications/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<span class="badge" data-testid="unread-badge">4<' in page
    assert '<span class="excerpt">Bravo Alice Martin, voir le plan</span>' in page  # plain words
    assert "<strong>David Test</strong> now follows you" in page
    assert "<strong>Emma Test</strong> and 3 others reacted to your post" in page
    assert "<strong>Chloé Test</strong> replied to your post" in page
    assert "<strong>Bruno Lefèvre</strong> mentioned you" in page
    assert page.index("now follows you") < page.index("reacted to your post") < page.index("mentioned you")
    assert "Mark all as read" in page
    # The badge is on every page.
    assert 'data-testid="unread-badge">4<' in client.get("/company/").content.decode()


def test_no_badge_without_unread(client, bruno):
    client.force_login(bruno)
    page = client.get("/notifications/").content.decode()
    assert "unread-badge" not in page and "No notifications yet." in page


def test_open_marks_read_and_goes_to_the_post(client, alice, told):
    client.force_login(alice)
    notification = Notification.objects.get(recipient=alice, kind="mention")
    target = told["mention"].get_absolute_url()
    response = client.post(f"/notifications/{notification.pk}/open/", {"next": target})
    assert response.status_code == 302 and response.url == target
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 3
    assert 'data-testid="unread-badge">3<' in client.get("/notifications/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "https:/evil.example", "javascript:alert(1)"]
)
def test_open_never_redirects_outside(client, alice, told, target):
    client.force_login(alice)
    notification = Notification.objects.filter(recipient=alice).first()
    response = client.post(f"/notifications/{notification.pk}/open/", {"next": target})
    assert response.status_code == 302 and response.url == "/notifications/"


def test_open_someone_elses_notification_changes_nothing(client, alice, bruno, told):
    client.force_login(bruno)
    notification = Notification.objects.filter(recipient=alice).first()
    client.post(f"/notifications/{notification.pk}/open/", {"next": "/"})
    notification.refresh_from_db()
    assert notification.read_at is None


def test_open_and_mark_all_need_post(client, alice, told):
    client.force_login(alice)
    notification = Notification.objects.filter(recipient=alice).first()
    assert client.get(f"/notifications/{notification.pk}/open/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).count() == 4


def test_mark_all_read(client, alice, bruno, told, side_effects):
    with side_effects():
        post_create(author=alice, body="Coucou @bruno.lefevre")
    client.force_login(alice)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302 and response.url == "/notifications/"
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bruno, read_at__isnull=True).count() == 1
    page = client.get("/notifications/").content.decode()
    assert "unread-badge" not in page and "Mark all as read" not in page


def test_htmx_load_more_is_a_fragment(client, alice, told, settings):
    settings.FEED_PAGE_SIZE = 2
    client.force_login(alice)
    first = client.get("/notifications/").context["page"]
    response = client.get(f"/notifications/?before={first.next_cursor}", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "mentioned you" in page and "now follows you" not in page


NOTIFICATIONS_QUERIES = 4


@pytest.mark.parametrize("n", [5, 20])
def test_notifications_query_count(
    client, alice, bruno, make_user, side_effects, django_assert_max_num_queries, n
):
    others = [bruno] + [make_user("Personne", f"N{i}") for i in range(3)]
    with side_effects():
        busy_posts([alice], others, n // 2)
        busy_posts(others, others, n - n // 2, body="Salut @alice.martin {i}", replies=1)
        for person in others:
            user_follow(follower=person, followed=alice)
    client.force_login(alice)
    client.get("/")
    with django_assert_max_num_queries(NOTIFICATIONS_QUERIES):
        response = client.get("/notifications/")
    total = Notification.objects.filter(recipient=alice).count()
    assert total >= n
    assert len(response.context["page"].items) == min(total, 20)
