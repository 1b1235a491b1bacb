"""The profile page is drawn by accounts with the sections higher apps registered (posts, answers),
and its links follow the policies: only an administrator sees "Deactivate", on others' profiles."""

from ruche.accounts.sections import SECTIONS
from ruche.posts.services import post_create


def test_posts_and_answers_are_registered_sections():
    assert {s.name: s.place for s in SECTIONS} == {
        "posts": "page",
        "accepted_answers": "card",
        "privacy_erase": "card",  # the administrators' link to the erasure page
    }


def test_profile_shows_the_sections_and_loads_more_posts_alone(client, alice, bruno):
    post_create(author=bruno, body="Bonjour de Bruno")
    client.force_login(alice)
    page = client.get(bruno.get_absolute_url())
    assert page.status_code == 200
    assert "Posts by Bruno" in page.content.decode() and "Bonjour de Bruno" in page.content.decode()
    more = client.get(bruno.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "Bonjour de Bruno" in more and "Posts by" not in more and "<html" not in more


def test_deactivate_and_admin_links_follow_the_policies(client, alice, bruno, admin):
    deactivate = "Deactivate (left the company)"
    client.force_login(alice)
    page = client.get(bruno.get_absolute_url()).content.decode()
    assert deactivate not in page and "/manage/" not in page and "/people/admin/" not in page
    client.force_login(admin)
    assert deactivate in client.get(bruno.get_absolute_url()).content.decode()
    own = client.get(admin.get_absolute_url()).content.decode()
    assert deactivate not in own and "/manage/" in own and "/people/admin/" in own


def test_report_a_person_from_the_profile(client, alice, bruno):
    client.force_login(alice)
    assert f"/people/{bruno.handle}/report/" in client.get(bruno.get_absolute_url()).content.decode()
    assert client.get(f"/people/{bruno.handle}/report/").status_code == 200
    assert client.get("/people/nobody-here/report/").status_code == 404
