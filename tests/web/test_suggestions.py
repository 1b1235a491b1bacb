"""The home page's side column: colleagues to follow, communities to join, the week's tags."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.template import engines
from django.utils import timezone

from ruche.accounts.models import Department, Follow, Site, User
from ruche.accounts.services import user_follow
from ruche.communities.models import Community, Membership
from ruche.communities.services import community_leave
from ruche.ideas import services as ideas
from ruche.posts.models import Post
from ruche.posts.services import post_create
from ruche.web import jinja, selectors

pytestmark = pytest.mark.django_db
Visibility = Community.Visibility


@pytest.fixture
def places(db):
    return Department.objects.create(name="Achats"), Site.objects.create(name="Lyon")


def placed(user, department=None, site=None):
    user.profile.department, user.profile.site = department, site
    user.profile.save()
    return user


# People -------------------------------------------------------------------------------------------


def test_people_to_follow_are_colleagues_not_yet_followed(alice, make_user, make_community, places):
    achats, lyon = places
    placed(alice, achats, lyon)
    same_team = placed(make_user("Bruno", "Équipe"), achats)
    same_site = placed(make_user("Carla", "Site"), None, lyon)
    same_community = make_user("David", "Commu")
    stranger = make_user("Emma", "Ailleurs")
    followed = placed(make_user("Fanny", "Suivie"), achats)
    not_activated = placed(make_user("Gus", "Invité"), achats)
    gone = placed(make_user("Hugo", "Parti"), achats)
    User.objects.filter(pk=not_activated.pk).update(activated_at=None)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    make_community("Presse 4", owner=same_community, members=[alice])
    make_community("Tout le monde", owner=stranger, members=[alice], is_company_wide=True)  # says nothing
    user_follow(follower=alice, followed=followed)

    people = selectors.people_to_follow(alice, limit=10)
    assert people[0] == same_team  # the department first
    assert set(people) == {same_team, same_site, same_community}
    assert not {stranger, followed, not_activated, gone, alice} & set(people)


def test_who_was_just_followed_leaves_the_list_though_it_is_cached(alice, bruno, places):
    placed(alice, places[0])
    placed(bruno, places[0])
    assert selectors.people_to_follow(alice) == [bruno]
    Follow.objects.create(follower=alice, followed=bruno)
    assert selectors.people_to_follow(alice) == []


# Communities --------------------------------------------------------------------------------------


def test_communities_to_join_are_public_ones_colleagues_are_in_first(alice, bruno, make_user, make_community):
    crowd = [make_user("Membre", f"N{i}") for i in range(4)]
    user_follow(follower=alice, followed=bruno)
    with_colleague = make_community("Lean", members=[bruno])
    larger = make_community("Sport", members=crowd)
    make_community("Privée", visibility=Visibility.PRIVATE, members=[bruno])
    make_community("Secrète", visibility=Visibility.SECRET, members=[bruno])
    make_community("Archivée", members=[bruno], archived_at=timezone.now())
    make_community("Pas validée", members=[bruno], approved=False)
    make_community("Déjà", members=[alice, bruno])
    make_community("Toute l'entreprise", is_company_wide=True)

    assert selectors.communities_to_join(alice, limit=10) == [with_colleague, larger]
    Membership.objects.create(community=with_colleague, user=alice)  # joined since: gone at once
    assert selectors.communities_to_join(alice, limit=10) == [larger]


# Trending tags ------------------------------------------------------------------------------------


def test_trending_tags_count_only_what_the_reader_may_read(
    alice, bruno, make_community, make_campaign, person, rnd
):
    private = make_community("Projet X", visibility=Visibility.PRIVATE, members=[bruno])
    secret = make_community("Rachat", visibility=Visibility.SECRET, members=[bruno])
    mine = make_community("Mon équipe", visibility=Visibility.PRIVATE, members=[alice, bruno])
    for body in ("#Qualité partout", "La #qualite encore", "#lean"):
        post_create(author=bruno, body=body)
    post_create(author=bruno, body="#projetx #qualite", communities=[private])
    post_create(author=bruno, body="#rachat", communities=[secret])
    post_create(author=bruno, body="#equipe", communities=[mine])
    old = post_create(author=bruno, body="#ancien")
    Post.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=8))
    campaign = make_campaign(departments=[rnd])  # alice is not in R&D
    ideas.idea_submit(campaign=campaign, author=person("Rémi", rnd), title="Copeaux", description="#copeaux")

    trends = selectors.trending_tags(alice)
    assert [(t.key, t.uses) for t in trends] == [("qualite", 2), ("equipe", 1), ("lean", 1)]
    cache.clear()
    assert "projetx" in [t.key for t in selectors.trending_tags(bruno)]  # a member sees it


# Query counts -------------------------------------------------------------------------------------

COLD_QUERIES = 8  # candidates: 2 for people, 2 for communities, 1 for tags; then what to show (below)
# Cached candidates: what was followed or joined since, one query per list, and the three people
# shown loaded whole (loading all twelve with their profiles cost more than a second query).
WARM_QUERIES = 3


def test_query_counts_cold_and_cached(alice, make_user, make_community, places, django_assert_num_queries):
    placed(alice, places[0])
    colleagues = [placed(make_user("Collègue", f"N{i}"), places[0]) for i in range(8)]
    for i in range(5):
        make_community(f"Communauté {i}", members=colleagues[:i])
        post_create(author=colleagues[i], body=f"#sujet{i} #commun")
    with django_assert_num_queries(COLD_QUERIES):
        found = selectors.home_suggestions(alice)
    assert len(found["people_to_follow"]) == 3 and len(found["communities_to_join"]) == 3
    assert found["trending_tags"][0].key == "commun"
    with django_assert_num_queries(WARM_QUERIES):
        assert selectors.home_suggestions(alice) == found


def test_drawing_the_people_shown_reads_nothing_more(alice, make_user, places, rf, django_assert_num_queries):
    """The people are loaded with only what their suggestion shows: a field the column reads beyond
    those would cost a query per person, here."""
    placed(alice, places[0])
    for i in range(3):
        colleague = placed(make_user("Collègue", f"N{i}"), places[0])
        colleague.profile.job_title = "Soudeur"
        colleague.profile.save()
    people = selectors.people_to_follow(alice)
    assert len(people) == 3
    request = rf.get("/")
    request.user = alice
    template = jinja.for_language(engines["jinja2"].env, "fr", as_django=True).get_template(
        "web/home_suggestions.html"
    )
    with django_assert_num_queries(0):
        html = template.render(
            {"request": request, "user": alice, "csrf_input": "", "people_to_follow": people}
        )
    assert html.count("Soudeur") == 6 and all(p.full_name in html for p in people)


# The page and its buttons -------------------------------------------------------------------------


def test_the_home_page_shows_the_column_and_follows_without_javascript(
    client, alice, bruno, places, make_community
):
    placed(alice, places[0])
    placed(bruno, places[0])
    lean = make_community("Lean", members=[bruno])
    post_create(author=bruno, body="#qualite")
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert "People to follow" in page and "Bruno Lefèvre" in page
    assert "Communities to join" in page and "Lean" in page
    assert "Trending this week" in page and "#qualite" in page
    assert '<a href="#side-column">Suggestions for you</a>' in page  # on a phone, the column is below

    response = client.post(f"/people/{bruno.handle}/follow/", {"follow": "1", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert Follow.objects.filter(follower=alice, followed=bruno).exists()
    response = client.post(f"/communities/{lean.slug}/join/", {"next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert Membership.objects.filter(community=lean, user=alice).exists()
    page = client.get("/").content.decode()
    assert "People to follow" not in page and "Communities to join" not in page


def test_follow_and_join_with_htmx_give_back_the_new_button(client, alice, bruno, make_community):
    lean = make_community("Lean")
    client.force_login(alice)
    response = client.post(
        f"/people/{bruno.handle}/follow/", {"follow": "1", "next": "/"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'name="follow" value="0"' in html and "Following ✓" in html
    assert f'data-keep-focus="follow-{bruno.pk}"' in html and 'name="next" value="/"' in html
    response = client.post(f"/people/{bruno.handle}/follow/", {"follow": "0"}, HTTP_HX_REQUEST="true")
    assert 'name="follow" value="1"' in response.content.decode()
    assert not Follow.objects.filter(follower=alice, followed=bruno).exists()
    response = client.post(f"/communities/{lean.slug}/join/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Joined ✓" in html and f'href="{lean.get_absolute_url()}"' in html


def test_an_outside_next_is_not_followed(client, alice, bruno):
    client.force_login(alice)
    response = client.post(
        f"/people/{bruno.handle}/follow/", {"follow": "1", "next": "https://evil.example/"}
    )
    assert response.url == bruno.get_absolute_url()


def test_leaving_a_private_community_takes_its_tags_away_at_once(alice, bruno, make_community):
    private = make_community("Projet X", visibility=Visibility.PRIVATE, members=[alice, bruno])
    post_create(author=bruno, body="#projetx", communities=[private])
    assert [t.key for t in selectors.trending_tags(alice)] == ["projetx"]
    community_leave(community=private, user=alice)
    assert selectors.trending_tags(alice) == []
