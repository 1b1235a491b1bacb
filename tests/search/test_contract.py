"""The search contract, the same on SQLite (FTS5) and PostgreSQL (tsvector): run on both."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ruche.accounts.services import profile_update, user_deactivate, user_reactivate
from ruche.communities import services as communities
from ruche.communities.models import Community, Placement
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_delete, post_edit
from ruche.search.documents import Kind
from ruche.search.selectors import Filters, search
from ruche.search.services import search_reindex

pytestmark = pytest.mark.django_db
Visibility = Community.Visibility
POSTGRES = connection.vendor == "postgresql"


def found(viewer, query, kind=Kind.POST, **filters):
    results = search(viewer=viewer, query=query, filters=Filters(kind=kind, **filters))
    assert not results.error, results.error
    return [hit.object for group in results.groups for hit in group.hits]


def bodies(viewer, query, kind=Kind.POST, **filters):
    return [obj.body for obj in found(viewer, query, kind, **filters)]


@pytest.fixture
def post(alice, side_effects):
    with side_effects():
        return post_create(author=alice, body="Le réseau social de l'usine de Lyon #Qualité")


@pytest.mark.parametrize("query", ["reseau", "RÉSEAU", "Réseau social", "rés", "usine lyon", "qualite"])
def test_accents_case_and_prefix(post, bruno, query):
    assert bodies(bruno, query) == [post.body]


def test_words_must_all_match(post, bruno):
    assert bodies(bruno, "réseau marseille") == []


def test_stemming_where_the_backend_has_it(bruno, alice, side_effects):
    with side_effects():
        post_create(author=alice, body="Nos réseaux sont en panne")
        post_create(author=alice, body="The networks were configured")
    # PostgreSQL stems French and English; SQLite matches words and prefixes only.
    assert bool(bodies(bruno, "réseau panne")) is POSTGRES
    assert bool(bodies(bruno, "network configure")) is POSTGRES
    assert bodies(bruno, "réseaux") == ["Nos réseaux sont en panne"]


NASTY = [
    '"', '""', "'", "*", "réseau*", '"réseau', "réseau\"'", "NEAR", "NEAR(réseau social)", "AND OR",
    "réseau AND OR NOT", "-réseau", "^réseau", "title:réseau", "{title}: réseau", "réseau:*",
    "!réseau | social", "(réseau", "réseau)", "'; DROP TABLE posts_post; --", "1' OR '1'='1",
    "réseau & social <-> lyon", "%", "_", "\\", "\x00réseau", "🐝 réseau", "ｒéseau", "x" * 200,
]  # fmt: skip


@pytest.mark.parametrize("query", NASTY)
def test_any_input_is_safe(post, bruno, query):
    results = search(viewer=bruno, query=query)
    assert results.error or results.groups is not None
    assert Post.objects.filter(pk=post.pk).exists()


@pytest.mark.parametrize(
    "query", ['"réseau', "réseau)", '"réseau social"', "(réseau", "réseau*", "-réseau:*"]
)
def test_operators_are_taken_as_words(post, bruno, query):
    assert bodies(bruno, query) == [post.body]


@pytest.mark.parametrize(
    ("query", "message"), [("", "Type a word"), ('" * ()', "Type a word"), ("x" * 10_240, "too long")]
)
def test_empty_or_huge_input_gets_a_message(bruno, query, message):
    results = search(viewer=bruno, query=query)
    assert message in results.error and results.groups == []


def test_private_community_post_found_by_members_only(alice, bruno, make_user, make_community, side_effects):
    carla = make_user("Carla", "Membre")
    private = make_community("Projet Alpha", visibility=Visibility.PRIVATE, owner=alice, members=[carla])
    with side_effects():
        secret_post = post_create(author=alice, body="Budget confidentiel du projet", communities=[private])
        reply = post_create(author=alice, body="Budget validé en comité", parent=secret_post)
    assert bodies(carla, "budget") == [secret_post.body]
    assert bodies(carla, "budget", kind=Kind.REPLY) == [reply.body]
    assert bodies(bruno, "budget") == [] and bodies(bruno, "budget", kind=Kind.REPLY) == []
    assert search(viewer=bruno, query="budget").groups == []
    # Membership is checked when searching: who leaves stops finding it, without any reindexing.
    with side_effects():
        communities.community_leave(community=private, user=carla)
    assert bodies(carla, "budget") == [] and bodies(carla, "budget", kind=Kind.REPLY) == []


def test_secret_community_listed_for_members_only(alice, bruno, make_community, rebuild):
    make_community("Fusion Omega", visibility=Visibility.SECRET, owner=alice, description="Rachat discret")
    make_community("Omega public", owner=alice)
    rebuild()
    assert [c.name for c in found(alice, "omega", Kind.COMMUNITY)] == ["Fusion Omega", "Omega public"] or [
        c.name for c in found(alice, "omega", Kind.COMMUNITY)
    ] == ["Omega public", "Fusion Omega"]
    assert [c.name for c in found(bruno, "omega", Kind.COMMUNITY)] == ["Omega public"]
    assert found(bruno, "rachat discret", Kind.COMMUNITY) == []


def test_hidden_posts_are_not_found_and_come_back_when_restored(post, alice, bruno, admin, side_effects):
    with side_effects():
        communities.post_hide(post=post, by=admin, reason="Hors sujet")
    assert bodies(bruno, "réseau") == [] and bodies(alice, "réseau") == []
    with side_effects():
        communities.post_hide(post=post, by=admin, reason="", hide=False)
    assert bodies(bruno, "réseau") == [post.body]


def test_waiting_reply_is_not_found_until_approved(alice, bruno, make_community, side_effects):
    strict = make_community("Atelier", owner=alice, members=[bruno], premoderate_replies=True)
    with side_effects():
        root = post_create(author=alice, body="Consignes atelier", communities=[strict])
        waiting = post_create(author=bruno, body="Question sur la soudure", parent=root)
    assert waiting.awaiting_approval
    assert bodies(alice, "soudure", Kind.REPLY) == []
    with side_effects():
        communities.reply_decide(reply=waiting, by=alice, approve=True)
    assert bodies(alice, "soudure", Kind.REPLY) == [waiting.body]


def test_post_waiting_for_a_moderator_is_not_found_by_others(
    alice, bruno, make_user, make_community, side_effects
):
    mod = make_user("Mona", "Moderatrice")
    strict = make_community("Sécurité", owner=mod, members=[alice], premoderate_posts=True)
    with side_effects():
        waiting = post_create(author=alice, body="Alerte chariot élévateur", communities=[strict])
    assert Placement.objects.get(post=waiting).status == Placement.Status.PENDING
    assert bodies(bruno, "chariot") == []


def test_edit_updates_the_index_and_delete_removes(post, alice, bruno, side_effects):
    with side_effects():
        post_edit(post=post, by=alice, body="Le nouveau planning de maintenance")
    assert bodies(bruno, "usine") == []
    assert bodies(bruno, "maintenance") == ["Le nouveau planning de maintenance"]
    with side_effects():
        post_delete(post=post, by=alice)
    assert bodies(bruno, "maintenance") == [] and bodies(alice, "maintenance") == []


def test_replies_of_a_deleted_post_are_not_found(post, alice, bruno, side_effects):
    with side_effects():
        post_create(author=bruno, body="Bravo pour la maintenance", parent=post)
    assert len(found(alice, "bravo", Kind.REPLY)) == 1
    with side_effects():
        post_delete(post=post, by=alice)
    assert found(alice, "bravo", Kind.REPLY) == []


def test_people_by_name_job_department_site_skill(alice, bruno, admin, side_effects):
    with side_effects():
        profile_update(
            profile=bruno.profile, by=bruno, job_title="Ingénieur qualité", department=None,
            bio="Je répare les presses", skills=["Soudure TIG", "Lean"],
        )  # fmt: skip
    for query in ["Lefevre", "bruno", "ingenieur", "soudure tig", "lean", "presses"]:
        assert found(alice, query, Kind.PERSON) == [bruno], query
    with side_effects():
        profile_update(profile=bruno.profile, by=bruno, skills=["Peinture"])
    assert found(alice, "soudure", Kind.PERSON) == []
    assert found(alice, "peinture", Kind.PERSON) == [bruno]
    # Deactivated: not found at all (their posts still are, signed as a former colleague).
    with side_effects():
        user_deactivate(user=bruno, by=admin)
    assert found(alice, "bruno", Kind.PERSON) == []
    with side_effects():
        user_reactivate(user=bruno, by=admin)
    assert found(alice, "bruno", Kind.PERSON) == [bruno]


def test_people_filters(alice, bruno, make_user, side_effects):
    from ruche.accounts.models import Department, Site

    lyon, achats = Site.objects.create(name="Lyon"), Department.objects.create(name="Achats")
    carla = make_user("Carla", "Lean")
    with side_effects():
        profile_update(profile=bruno.profile, by=bruno, site=lyon, department=achats, skills=["Lean"])
        profile_update(profile=carla.profile, by=carla, skills=["Lean"])
    assert set(found(alice, "lean", Kind.PERSON)) == {bruno, carla}
    assert found(alice, "lean", Kind.PERSON, site=lyon.pk) == [bruno]
    assert found(alice, "lean", Kind.PERSON, department=achats.pk) == [bruno]


def test_renaming_a_department_or_site_reindexes_its_people(alice, bruno, side_effects):
    from django.core.exceptions import ValidationError

    from ruche.accounts.models import Department, Site
    from ruche.accounts.services import org_unit_rename

    lyon, achats = Site.objects.create(name="Lyon"), Department.objects.create(name="Achats")
    Department.objects.create(name="Juridique")
    with side_effects():
        profile_update(profile=bruno.profile, by=bruno, site=lyon, department=achats)
    with side_effects():
        org_unit_rename(unit=achats, name="Approvisionnement")
        org_unit_rename(unit=lyon, name="Villeurbanne")
    assert found(alice, "approvisionnement", Kind.PERSON) == [bruno]
    assert found(alice, "villeurbanne", Kind.PERSON) == [bruno]
    assert found(alice, "achats", Kind.PERSON) == []
    for bad in ["  ", "juridique"]:
        with pytest.raises(ValidationError):
            org_unit_rename(unit=achats, name=bad)
    achats.refresh_from_db()
    assert achats.name == "Approvisionnement"


def test_community_update_and_archive_are_indexed(alice, bruno, governance, side_effects):
    with side_effects():
        community = communities.community_create(by=alice, name="Club photo", description="Sorties")
    assert found(bruno, "photo", Kind.COMMUNITY) == [community]
    with side_effects():
        communities.community_update(community=community, by=alice, description="Expositions au siège")
    assert found(bruno, "expositions", Kind.COMMUNITY) == [community]
    assert found(bruno, "sorties", Kind.COMMUNITY) == []
    with side_effects():
        communities.community_archive(community=community, by=alice)
    [archived] = found(bruno, "photo", Kind.COMMUNITY)
    assert archived.is_archived  # still found, shown as archived


def test_hashtags(post, bruno):
    assert [t.key for t in found(bruno, "qual", Kind.HASHTAG)] == ["qualite"]


def test_post_filters_author_community_dates(alice, bruno, make_community, side_effects):
    club = make_community("Club", owner=alice, members=[bruno])
    with side_effects():
        old = post_create(author=alice, body="Inventaire annuel ancien")
        in_club = post_create(author=bruno, body="Inventaire du club", communities=[club])
        post_create(author=bruno, body="Inventaire sans club")
    Post.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=40))
    assert len(found(alice, "inventaire")) == 3
    assert bodies(alice, "inventaire", author=alice.pk) == [old.body]
    assert bodies(alice, "inventaire", community=club.pk) == [in_club.body]
    since = timezone.now() - timedelta(days=10)
    assert len(found(alice, "inventaire", since=since)) == 2
    assert bodies(alice, "inventaire", until=since) == [old.body]


def test_orders_and_grouping(alice, bruno, side_effects):
    with side_effects():
        first = post_create(author=alice, body="Sécurité sécurité sécurité : le point sécurité")
        second = post_create(author=alice, body="Un mot sur la sécurité")
        post_create(author=alice, body="Rien à voir", parent=first)
        post_create(author=bruno, body="Merci pour ce point sécurité", parent=first)
    assert found(bruno, "sécurité", order="date") == [second, first]
    assert found(bruno, "sécurité", order="relevance")[0] == first
    results = search(viewer=bruno, query="sécurité")
    assert [(g.kind, g.count) for g in results.groups] == [("post", 2), ("reply", 1)]


def test_more_results_are_bounded_pages(alice, bruno, side_effects, settings):
    from ruche.search import selectors

    with side_effects():
        made = [post_create(author=alice, body=f"Rapport numéro {i}") for i in range(7)]
    page = selectors.search_kind(
        bruno, Kind.POST, selectors.parse("rapport"), Filters(order="date"), size=3, offset=0
    )
    assert [h.object for h in page.hits] == made[::-1][:3] and page.next_offset == 3 and page.count == 7
    last = selectors.search_kind(
        bruno, Kind.POST, selectors.parse("rapport"), Filters(order="date"), size=3, offset=6
    )
    assert [h.object for h in last.hits] == [made[0]] and last.next_offset is None


def test_rebuild_command_builds_everything(post, alice, bruno, capsys):
    search_reindex(kind=Kind.POST, ids=[post.pk])  # stale or not, rebuild starts from empty
    call_command("search_rebuild")
    out = capsys.readouterr().out
    assert "post: 1" in out and "documents indexed" in out
    assert bodies(bruno, "réseau") == [post.body]
    assert found(bruno, "alice", Kind.PERSON) == [alice]


def test_renaming_a_department_in_the_admin_reindexes_its_people(client, admin, bruno, side_effects):
    from ruche.accounts.models import Department

    achats = Department.objects.create(name="Achats")
    with side_effects():
        profile_update(profile=bruno.profile, by=bruno, department=achats)
    admin.is_superuser = True  # Django's admin site asks for model permissions
    admin.save(update_fields=["is_superuser"])
    client.force_login(admin)
    with side_effects():
        response = client.post(f"/admin/accounts/department/{achats.pk}/change/", {"name": "Sourcing"})
    assert response.status_code == 302
    assert found(admin, "sourcing", Kind.PERSON) == [bruno]
