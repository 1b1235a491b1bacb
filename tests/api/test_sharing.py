"""Issue 13 through the API: a post's link preview (and removing it), keyword alerts, news sources."""

from ruche.alerts.models import Alert
from ruche.communities.models import Community
from ruche.sources.models import Source
from tests.links.test_post_previews import page
from tests.local_sites import LocalSite
from tests.sources.feeds import rss


def test_a_post_carries_its_link_preview_and_its_author_removes_it(
    api_as, alice, bruno, settings, tmp_path, side_effects
):
    settings.MEDIA_ROOT = tmp_path / "media"
    with LocalSite({"/article": page("Robots de soudure")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        with side_effects():
            created = api_as(alice).post("/posts/", {"body": f"À lire {site.url('/article')}"}).json()
    preview = api_as(bruno).get(f"/posts/{created['id']}").json()["link_preview"]
    assert preview["title"] == "Robots de soudure" and preview["url"] == site.url("/article")
    assert api_as(bruno).delete(f"/posts/{created['id']}/link-preview").status_code == 403
    assert api_as(alice).delete(f"/posts/{created['id']}/link-preview").status_code == 204
    assert api_as(bruno).get(f"/posts/{created['id']}").json()["link_preview"] is None


def test_alerts_are_created_listed_and_removed_by_their_owner_only(api_as, alice, bruno, make_community):
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET)
    assert api_as(alice).post("/alerts/", {"query": "?!"}).status_code == 400
    assert api_as(alice).post("/alerts/", {"query": "rachat", "community": secret.slug}).status_code == 404
    created = api_as(alice).post("/alerts/", {"query": "soudure laser"})
    assert created.status_code == 201 and created.json()["query"] == "soudure laser"
    assert [a["query"] for a in api_as(alice).get("/alerts/").json()["items"]] == ["soudure laser"]
    assert api_as(bruno).get("/alerts/").json()["items"] == []
    assert api_as(bruno).delete(f"/alerts/{created.json()['id']}").status_code == 404
    assert api_as(alice).delete(f"/alerts/{created.json()['id']}").status_code == 204
    assert not Alert.objects.exists()


def test_animators_manage_sources_and_members_cannot(api_as, make_user, make_community, settings):
    anna, marc = make_user("Anna", "Animatrice"), make_user("Marc", "Membre")
    community = make_community("Veille", animators=[anna], members=[marc])
    feed = rss(("1", "Soudure laser"))
    with LocalSite({"/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed)}) as site:
        settings.FETCH_ALLOWED_HOSTS, settings.FETCH_ALLOWED_PORTS = [site.allowed], [80, 443]
        base = f"/communities/{community.slug}/sources"
        assert api_as(marc).post(base, {"url": site.url("/feed.xml")}).status_code == 403
        refused = api_as(anna).post(base, {"url": "http://10.0.0.1/feed.xml"})
        assert refused.status_code == 400 and "private network" in refused.content.decode()
        added = api_as(anna).post(base, {"url": site.url("/feed.xml"), "interval_minutes": 30})
    assert added.status_code == 201 and added.json()["title"] == "Veille Airbus"
    source_id = added.json()["id"]
    assert [s["id"] for s in api_as(anna).get(base).json()["items"]] == [source_id]
    assert api_as(marc).get(base).status_code == 403
    assert api_as(anna).put(f"{base}/{source_id}/paused", {"paused": True}).json()["paused"] is True
    assert api_as(anna).delete(f"{base}/{source_id}").status_code == 204 and not Source.objects.exists()
