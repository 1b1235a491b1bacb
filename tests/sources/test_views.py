"""The news sources page of a community: for its managers only; bad addresses told on the form."""

import pytest

from ruche.communities.models import Community, Membership
from ruche.sources.models import Source


@pytest.fixture
def community(make_community, animator):
    return make_community("Veille", animators=[animator], visibility=Community.Visibility.SECRET)


def test_an_animator_adds_a_source_and_sees_its_health(client, site, community, animator, side_effects):
    client.force_login(animator)
    url = f"/communities/{community.slug}/sources/"
    with side_effects():
        response = client.post(url, {"url": site.url("/feed.xml"), "keywords": "", "interval_minutes": "60"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert (
        "Veille Airbus" in page and "Working" in page and ">5</dd>" in page
    )  # its latest five items published


def test_a_wrong_address_is_told_on_the_form_and_nothing_is_saved(client, site, community, animator):
    client.force_login(animator)
    site.routes["/page"] = (200, {"Content-Type": "text/html"}, b"<html>Accueil</html>")
    response = client.post(
        f"/communities/{community.slug}/sources/", {"url": site.url("/page"), "interval_minutes": "60"}
    )
    assert response.status_code == 400 and "not an RSS or Atom feed" in response.content.decode()
    response = client.post(
        f"/communities/{community.slug}/sources/", {"url": site.url("/feed.xml"), "interval_minutes": "7"}
    )
    assert response.status_code == 400 and not Source.objects.exists()


def test_members_cannot_manage_sources_and_outsiders_do_not_see_the_page(
    client,
    site,
    community,
    animator,
    make_user,
    add_member,
):
    source = Source.objects.create(community=community, added_by=animator, url=site.url("/feed.xml"))
    member, outsider = make_user("Marc", "Membre"), make_user("Oscar", "Dehors")
    add_member(community, member, Membership.Role.MEMBER)
    base = f"/communities/{community.slug}/sources/"
    for person, status in ((member, 403), (outsider, 404)):
        client.force_login(person)
        assert client.get(base).status_code == status
        assert client.post(f"{base}{source.pk}/pause/", {"paused": "1"}).status_code == status
        assert client.post(f"{base}{source.pk}/remove/").status_code == status
    assert Source.objects.filter(pk=source.pk, paused=False).exists()


def test_an_animator_pauses_resumes_and_removes(client, site, community, animator):
    source = Source.objects.create(community=community, added_by=animator, url=site.url("/feed.xml"))
    client.force_login(animator)
    base = f"/communities/{community.slug}/sources/{source.pk}/"
    client.post(base + "pause/", {"paused": "1"})
    assert Source.objects.get(pk=source.pk).paused
    client.post(base + "pause/", {"paused": "0"})
    assert not Source.objects.get(pk=source.pk).paused
    client.post(base + "remove/")
    assert not Source.objects.exists()
