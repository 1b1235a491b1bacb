"""The pages: publish, the pinned card on the home feed, confirm, reach and receipts, remind."""

import pytest
from django.core import mail
from django.utils import timezone

from ruche.announcements.models import Announcement, Receipt
from ruche.announcements.services import announcement_acknowledge, announcement_publish, receipt_open
from tests.feed.test_views import HOME_QUERIES  # the pinned announcements are one of them

pytestmark = pytest.mark.django_db


def publish(author, **fields):
    fields.setdefault("title", "Déménagement du siège")
    fields.setdefault("body", "Le siège déménage le **3 mars**.")
    return announcement_publish(author=author, **fields)


def test_publish_through_the_form(client, announcer, alice, org, place, side_effects):
    place(alice, department=org["sales"])
    client.force_login(announcer)
    assert client.get("/announcements/new/").status_code == 200
    with side_effects():
        response = client.post(
            "/announcements/new/",
            {"title": "Inventaire", "body": "Vendredi.", "departments": [org["sales"].pk],
             "requires_ack": "on", "expires_at": "2099-01-31"},
        )  # fmt: skip
    a = Announcement.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/announcements/{a.pk}/"
    assert a.requires_ack and timezone.localtime(a.expires_at).isoformat()[:19] == "2099-02-01T00:00:00"
    assert list(Receipt.objects.values_list("user", flat=True)) == [alice.pk]
    assert len(mail.outbox) == 1


def test_empty_audience_reshows_the_form_with_the_text(client, announcer, alice, org):
    client.force_login(announcer)
    response = client.post(
        "/announcements/new/",
        {"title": "Inventaire", "body": "Mon texte précieux", "sites": [org["lyon"].pk]},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "This audience matches nobody" in page and "Mon texte précieux" in page
    assert not Announcement.objects.exists()


def test_the_form_is_for_announcers_only(client, alice):
    client.force_login(alice)
    assert client.get("/announcements/new/").status_code == 403
    assert (
        client.post("/announcements/new/", {"title": "x", "body": "y", "everyone": "on"}).status_code == 403
    )
    assert not Announcement.objects.exists()


def test_pinned_on_home_until_acknowledged(client, announcer, alice):
    a = publish(announcer, everyone=True, requires_ack=True)
    client.force_login(alice)
    home = client.get("/").content.decode()
    assert "Déménagement du siège" in home and "I have read this" in home
    assert "Déménagement du siège" in client.get("/").content.decode()  # still there after a reload
    response = client.post(f"/announcements/{a.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "confirmed as read" in response.content.decode()
    assert "Déménagement du siège" not in client.get("/").content.decode()


def test_dismissed_or_expired_leave_the_feed(client, announcer, alice):
    from datetime import timedelta

    from django.utils import timezone

    a = publish(announcer, everyone=True)
    client.force_login(alice)
    response = client.post(f"/announcements/{a.pk}/dismiss/", {"next": "/"})
    assert response.status_code == 302
    assert "Déménagement du siège" not in client.get("/").content.decode()
    b = publish(announcer, everyone=True, title="Court")
    Announcement.objects.filter(pk=b.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert "Court" not in client.get("/").content.decode()


def test_the_page_counts_as_opened_and_is_404_outside_the_audience(
    client, announcer, alice, bruno, org, place
):
    place(alice, department=org["sales"])
    a = publish(announcer, departments=[org["sales"]])
    client.force_login(bruno)
    assert client.get(f"/announcements/{a.pk}/").status_code == 404
    assert client.post(f"/announcements/{a.pk}/acknowledge/").status_code == 404
    client.force_login(alice)
    assert client.get(f"/announcements/{a.pk}/").status_code == 200
    assert Receipt.objects.get(user=alice).opened_at is not None
    assert "Reach and read receipts" not in client.get(f"/announcements/{a.pk}/").content.decode()


def test_author_sees_reach_by_department_and_who_has_not_confirmed(
    client, announcer, alice, bruno, make_user, org, place, side_effects
):
    place(alice, department=org["sales"])
    place(bruno, department=org["rd"])
    carla = place(make_user("Carla", "Ventes"), department=org["sales"])
    with side_effects():
        a = publish(announcer, everyone=True, requires_ack=True)
    announcement_acknowledge(announcement=a, user=alice)
    receipt_open(announcement=a, user=bruno)
    client.force_login(announcer)
    response = client.get(f"/announcements/{a.pk}/")
    reach = response.context["reach"]
    assert (reach.recipients, reach.read, reach.acknowledged, reach.waiting_count) == (3, 2, 1, 2)
    by_name = {d.name: (d.total, d.read, d.acknowledged) for d in reach.departments}
    assert by_name == {"R&D": (1, 1, 0), "Ventes": (2, 1, 1)}
    assert [r.user for r in reach.waiting] == [bruno, carla]
    page = response.content.decode()
    assert "Not confirmed yet" in page and "Carla Ventes" in page and "reach-bar" in page
    mail.outbox.clear()
    with side_effects():
        response = client.post(f"/announcements/{a.pk}/remind/", follow=True)
    assert "Reminder sent to 2 people." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([bruno.email, carla.email])
    response = client.post(f"/announcements/{a.pk}/remind/", follow=True)
    assert "A reminder was sent recently" in response.content.decode()
    assert len(mail.outbox) == 2


def test_home_with_pinned_announcements_costs_one_query(
    client, announcer, alice, bruno, django_assert_max_num_queries
):
    for i in range(4):
        publish(announcer, everyone=True, title=f"Annonce {i}", requires_ack=i % 2 == 0)
    client.force_login(alice)
    client.get("/notifications/")
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert len(response.context["pinned_announcements"]) == 4


@pytest.mark.parametrize("n", [2, 8])
def test_list_page_query_count(client, announcer, alice, django_assert_max_num_queries, n):
    for i in range(n):
        publish(announcer, everyone=True, title=f"Annonce {i}")
    for user in (alice, announcer):
        client.force_login(user)
        client.get("/notifications/")
        with django_assert_max_num_queries(9):
            response = client.get("/announcements/")
        assert f"Annonce {n - 1}" in response.content.decode()


@pytest.mark.parametrize("n", [2, 12])
def test_reach_page_query_count(client, announcer, make_user, org, place, django_assert_max_num_queries, n):
    for i in range(n):
        place(make_user("Person", f"N{i}"), department=org["sales"] if i % 2 else org["rd"])
    a = publish(announcer, everyone=True, requires_ack=True)
    client.force_login(announcer)
    client.get("/notifications/")
    with django_assert_max_num_queries(10):
        response = client.get(f"/announcements/{a.pk}/")
    assert response.context["reach"].waiting_count == n


def test_notification_links_to_the_announcement(client, announcer, alice, side_effects):
    with side_effects():
        a = publish(announcer, everyone=True)
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "published an announcement: Déménagement du siège" in page
    assert f'value="/announcements/{a.pk}/"' in page


def test_django_admin_gives_the_role_and_lists_announcements(client, announcer, alice):
    from ruche.accounts.models import User

    root = User.objects.create_superuser("root@example.com", "pw", first_name="Root", last_name="Admin")
    a = publish(announcer, everyone=True)
    client.force_login(root)
    assert client.get("/admin/accounts/user/?is_announcer__exact=1").status_code == 200
    assert 'name="is_announcer"' in client.get(f"/admin/accounts/user/{alice.pk}/change/").content.decode()
    assert client.get(f"/admin/announcements/announcement/{a.pk}/change/").status_code == 200
    assert client.get("/admin/rooms/videoroom/").status_code == 200
