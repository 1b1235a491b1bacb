"""News sources, polled from a real local site: items published once as posts of the community,
politely (conditional GET, backoff), filtered, and refused clearly when the address is wrong."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from ruche.communities.models import Membership
from ruche.posts.models import Post
from ruche.sources import services
from ruche.sources.models import Source, SourceItem
from tests.local_sites import LocalSite
from tests.sources.feeds import rss


@pytest.fixture
def community(make_community, animator):
    return make_community("Veille", animators=[animator])


def published(community) -> list[str]:
    return list(
        Post.objects.filter(placements__community=community).order_by("pk").values_list("body", flat=True)
    )


def test_a_new_source_publishes_its_latest_items_as_posts_of_the_community(
    site, community, animator, side_effects
):
    with side_effects():
        source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    source.refresh_from_db()
    assert source.title == "Veille Airbus" and source.items_published == 5 and source.last_error == ""
    bodies = published(community)
    assert len(bodies) == 5 and "Article 2" in bodies[0] and "Article 6" in bodies[-1]  # oldest first
    assert (
        "[Article 6](<https://news.example.org/id-6>)" in bodies[-1] and "Résumé de Article 6" in bodies[-1]
    )
    assert SourceItem.objects.filter(source=source).count() == 7  # the two older ones: seen, not published


def test_polling_again_asks_politely_and_publishes_only_what_is_new(
    site, feed, community, animator, side_effects
):
    with side_effects():
        source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    assert services.source_poll(source.pk) == 0
    assert site.requests[-1]["headers"].get("If-None-Match") == '"v1"'
    feed.update(rss(*[(f"id-{n}", f"Article {n}") for n in range(9)]))
    with side_effects():
        assert services.source_poll(source.pk) == 2
        assert services.source_poll(source.pk) == 0
    assert len(published(community)) == 7


def test_an_item_is_published_once_even_if_its_id_changes_but_not_its_link(site, feed, community, animator):
    source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    services.source_poll(source.pk)
    feed.update(rss(*[(f"id-{n}", f"Article {n}") for n in range(7)]).replace(b"<guid>id-6", b"<guid>new-6"))
    assert services.source_poll(source.pk) == 0


def test_keywords_filter_what_is_published(site, feed, community, animator):
    feed.update(rss(("a", "Soudure laser chez Airbus"), ("b", "Météo du jour"), ("c", "SOUDURE à l'arc")))
    source = services.source_add(
        community=community, by=animator, url=site.url("/feed.xml"), keywords="soudure, rivet"
    )
    assert services.source_poll(source.pk) == 2
    assert ["Météo" in body for body in published(community)] == [False, False]


def test_text_from_a_feed_mentions_nobody(site, feed, community, animator, alice):
    feed.update(rss(("a", f"Bravo @{alice.handle} !")))
    source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    services.source_poll(source.pk)
    post = Post.objects.get(placements__community=community)
    assert not post.mentions.exists() and f"@{alice.handle}" not in post.body_html


@pytest.mark.parametrize(
    "route,message",
    [
        (
            (200, {"Content-Type": "text/html"}, b"<html><body>Accueil</body></html>"),
            "not an RSS or Atom feed",
        ),
        ((200, {"Content-Type": "application/xml"}, b"<rss><channel><item>"), "not an RSS or Atom feed"),
        ((404, {}, b"no"), "error 404"),
    ],
)
def test_an_address_that_is_not_a_feed_is_refused_and_nothing_is_saved(
    site, community, animator, route, message
):
    site.routes["/wrong"] = route
    with pytest.raises(ValidationError, match=message):
        services.source_add(community=community, by=animator, url=site.url("/wrong"))
    assert not Source.objects.exists()


@pytest.mark.parametrize("url", ["ftp://example.org/feed", "pas une adresse", "http://10.0.0.1/feed"])
def test_what_cannot_be_fetched_is_refused_clearly(community, animator, url):
    with pytest.raises(ValidationError) as refused:
        services.source_add(community=community, by=animator, url=url)
    assert refused.value.message_dict["url"] and not Source.objects.exists()


def test_a_feed_inside_the_network_is_never_contacted(settings, community, animator, feed):
    with LocalSite({"/feed.xml": feed}) as inside:
        settings.FETCH_ALLOWED_PORTS = [80, 443, inside.port]
        with pytest.raises(ValidationError, match="private network"):
            services.source_add(community=community, by=animator, url=inside.url("/feed.xml"))
        assert inside.connections == 0


def test_only_those_who_manage_the_community_add_or_change_sources(
    site,
    community,
    animator,
    make_user,
    add_member,
):
    member = make_user("Marc", "Membre")
    add_member(community, member, Membership.Role.MEMBER)
    with pytest.raises(PermissionDenied):
        services.source_add(community=community, by=member, url=site.url("/feed.xml"))
    source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    for attempt in (
        lambda: services.source_pause(source=source, by=member, paused=True),
        lambda: services.source_remove(source=source, by=member),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert Source.objects.filter(pk=source.pk, paused=False).exists()


def test_errors_are_kept_and_back_off(site, community, animator):
    source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    site.routes["/feed.xml"] = (500, {}, b"oops")
    services.source_poll(source.pk)
    services.source_poll(source.pk)
    source.refresh_from_db()
    assert source.failures == 2 and "500" in source.last_error
    assert source.next_poll_at - source.last_polled_at == timedelta(minutes=60 * 4)


def test_a_paused_source_is_not_polled_and_a_sweep_claims_each_due_source_once(site, community, animator):
    source = services.source_add(community=community, by=animator, url=site.url("/feed.xml"))
    Source.objects.filter(pk=source.pk).update(next_poll_at=timezone.now() - timedelta(minutes=1))
    assert services.sources_due() == [source.pk] and services.sources_due() == []
    services.source_pause(source=source, by=animator, paused=True)
    assert services.source_poll(source.pk) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite runs one writer at a time")
def test_two_workers_polling_at_once_publish_each_item_once(site, community, animator):
    source = Source.objects.create(community=community, added_by=animator, url=site.url("/feed.xml"))
    start, errors, counts = threading.Barrier(2), [], []

    def poll():
        try:
            start.wait()
            counts.append(services.source_poll(source.pk))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=poll) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and sum(counts) == 5
    assert len(published(community)) == 5


def test_an_atom_feed_is_read_too(site, community, animator):
    site.routes["/atom"] = (
        200,
        {"Content-Type": "application/atom+xml"},
        b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
        <title>Blog fournisseur</title><id>urn:x</id><updated>2026-12-01T10:00:00Z</updated>
        <entry><id>urn:x:1</id><title>Nouveau catalogue</title><link href="/catalogue"/>
        <updated>2026-12-01T10:00:00Z</updated><summary>Les rivets 2027</summary></entry></feed>""",
    )
    source = services.source_add(community=community, by=animator, url=site.url("/atom"))
    assert source.title == "Blog fournisseur" and services.source_poll(source.pk) == 1
    assert f"(<{site.url('/catalogue')}>)" in published(community)[0]


def test_a_feed_without_a_title_is_named_by_its_long_address(site, community, animator):
    long_path = "/" + "rubrique/" * 40 + "feed.xml"
    site.routes[long_path] = (
        200,
        {"Content-Type": "application/rss+xml"},
        rss(("1", "Un article"), title=""),
    )
    source = services.source_add(community=community, by=animator, url=site.url(long_path))
    assert source.title == site.url(long_path)[:200]
