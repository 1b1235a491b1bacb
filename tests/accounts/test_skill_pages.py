"""Skill pages, "ask me about" on profiles, and the meter on the person's own pages."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from ruche.accounts import selectors, services
from ruche.accounts.models import Profile, Site, Skill
from tests.accounts.test_completeness import fill

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_company):
    """Anonymous pages speak the company's language (French by default): these tests read English."""


def declare(person, *skills, site=None, job="Acheteuse"):
    services.profile_update(
        profile=Profile.objects.get(pk=person.pk), by=person, skills=list(skills), job_title=job
    )
    if site:
        Profile.objects.filter(pk=person.pk).update(site=site)


# Skill page


def test_skill_page_lists_active_colleagues_who_declared_it(client, alice, bruno, make_user, admin):
    lyon = Site.objects.create(name="Lyon")
    declare(alice, "Gestion de projet", "Lean", site=lyon, job="Cheffe de projet")
    declare(bruno, "gestion de projet", job="Acheteur")
    gone = make_user("Ancien", "Collègue")
    declare(gone, "Gestion de projet")
    services.user_deactivate(user=gone, by=admin)
    declare(make_user("Autre", "Personne"), "Lean")
    client.force_login(alice)
    response = client.get("/skills/gestion de projet/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Gestion de projet</h1>" in page
    assert [p.full_name for p in response.context["page"]] == ["Bruno Lefèvre", "Alice Martin"]
    assert "Cheffe de projet" in page and "Lyon" in page
    assert "2 colleagues say they know about Gestion de projet" in page
    assert "Ancien" not in page and "Autre" not in page


@pytest.mark.parametrize("spelling", ["gestion%20de%20projet", "Gestion%20De%20Projet", "gestion-de-projet"])
def test_skill_page_answers_to_the_key_in_any_case_or_as_a_slug(client, alice, spelling):
    declare(alice, "Gestion de projet")
    client.force_login(alice)
    assert client.get(f"/skills/{spelling}/").context["skill"].name == "Gestion de projet"


def test_skill_names_with_url_characters_work(client, alice):
    declare(alice, "C#", "CI/CD", "R&D ?")
    client.force_login(alice)
    page = client.get(f"/people/{alice.handle}/").content.decode()
    for skill in Skill.objects.all():
        url = reverse("accounts:skill", args=[skill.key])
        assert skill.get_absolute_url() == url
        assert f'href="{escape(url)}"' in page
        assert client.get(url).context["skill"] == skill


def test_unknown_skill_is_a_404_and_the_page_needs_a_login(client, alice):
    declare(alice, "Lean")
    assert client.get("/skills/lean/").status_code == 302  # to the login page
    client.force_login(alice)
    assert client.get("/skills/nothing-like-it/").status_code == 404


def test_skill_page_is_filtered_by_site(client, alice, bruno):
    lyon, paris = Site.objects.create(name="Lyon"), Site.objects.create(name="Paris")
    declare(alice, "Lean", site=lyon)
    declare(bruno, "Lean", site=paris)
    client.force_login(alice)
    response = client.get(f"/skills/lean/?site={paris.pk}")
    assert [p.pk for p in response.context["page"]] == [bruno.pk]
    assert response.context["sites"] == [(lyon.pk, "Lyon", 1), (paris.pk, "Paris", 1)]
    assert response.context["total"] == 2


def test_skill_page_keyset_pages_by_name(client, alice, make_user, monkeypatch):
    monkeypatch.setattr(selectors, "SKILL_PAGE_SIZE", 2)
    people = [make_user("Zoé", "Dupont"), make_user("Alain", "Dupont"), make_user("Marc", "Aubert"),
              make_user("Léa", "Zola"), make_user("Alain", "Dupont")]  # fmt: skip
    for person in people:
        declare(person, "Lean")
    client.force_login(alice)
    seen, url = [], "/skills/lean/"
    while url:
        response = client.get(url)
        seen += [p.pk for p in response.context["page"]]
        cursor = response.context["page"].next_cursor
        url = f"/skills/lean/?after={cursor}" if cursor else None
    expected = sorted(people, key=lambda p: (p.last_name, p.first_name, p.pk))
    assert seen == [p.pk for p in expected]
    assert "after=" in client.get("/skills/lean/").content.decode()


SKILL_PAGE_QUERIES = 7  # session, user, skill, people, sites, header avatar, unread count


@pytest.mark.parametrize("n", [3, 25])
def test_skill_page_query_count(client, alice, make_user, django_assert_max_num_queries, n):
    sites = [Site.objects.create(name=f"Site {i}") for i in range(3)]
    for i in range(n):
        fill(make_user("Personne", f"N{i}"), site=f"Site {i % 3}", skills=["Lean", "Excel", "SMED"])
    client.force_login(alice)
    client.get("/")
    with django_assert_max_num_queries(SKILL_PAGE_QUERIES):
        response = client.get(f"/skills/lean/?site={sites[0].pk}")
    assert response.status_code == 200 and len(response.context["page"]) == len(range(0, n, 3))


# "Ask me about" on the profile


def test_profile_asks_me_about_skills_linked_to_their_pages(client, alice, bruno):
    services.profile_update(profile=Profile.objects.get(pk=alice.pk), by=alice, skills=["Lean", "Audit interne"],
                            ask_me_about="Certifications")  # fmt: skip
    client.force_login(bruno)
    page = client.get(f"/people/{alice.handle}/").content.decode()
    section = page.split('data-testid="ask-me-about"')[1].split("</section>")[0]
    assert "Ask me about" in section and "Certifications" in section
    assert 'href="/skills/lean/">Lean</a>' in section
    assert 'href="/skills/audit%20interne/">Audit interne</a>' in section
    assert "ACCEPTED ANSWERS" not in page  # the lead's placeholder is a template comment


def test_directory_cards_link_skills(client, alice):
    declare(alice, "Lean")
    client.force_login(alice)
    assert 'href="/skills/lean/">Lean</a>' in client.get("/people/").content.decode()


# The meter: the person's own


def test_meter_on_own_profile_only(client, alice, bruno):
    client.force_login(alice)
    response = client.get(f"/people/{alice.handle}/")
    assert response.context["completeness"].percent == 0
    page = response.content.decode()
    assert 'data-testid="completeness"' in page
    assert 'href="/me/edit/#id_job_title" data-testid="next-step">Job title</a>' in page
    response = client.get(f"/people/{bruno.handle}/")
    assert "completeness" not in response.context
    assert 'data-testid="completeness"' not in response.content.decode()


def test_meter_card_on_the_home_page_while_incomplete(client, alice, bruno, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(alice)
    page = client.get("/").content.decode()
    assert 'class="aside"' in page and "0% complete" in page
    fill(alice, manager=bruno, photo=True)
    page = client.get("/").content.decode()
    assert 'data-testid="completeness"' not in page
    own = client.get(f"/people/{alice.handle}/").content.decode()
    assert "Your profile is complete" in own


def test_an_account_without_a_profile_sees_no_meter(client, alice, rules):
    Profile.objects.filter(pk=alice.pk).delete()
    rules("job_title")
    client.force_login(alice)
    assert client.get("/").context["completeness"] is None
    assert client.get(f"/people/{alice.handle}/").context["completeness"] is None


def test_profile_page_still_one_query_set(client, alice, bruno, django_assert_max_num_queries):
    from tests.accounts.test_views import PROFILE_QUERIES

    fill(alice, manager=bruno)
    client.force_login(alice)
    client.get("/")
    with django_assert_max_num_queries(PROFILE_QUERIES):
        assert client.get(f"/people/{alice.handle}/").context["completeness"].percent == round(600 / 7)


# The admin report


def test_only_admins_see_the_report(client, alice):
    client.force_login(alice)
    assert client.get("/people/admin/completeness/").status_code == 403


def test_report_page_shows_values_as_text_and_bars(client, admin, alice, bruno):
    fill(alice, department="Qualité", manager=bruno)
    client.force_login(admin)
    response = client.get("/people/admin/completeness/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<th scope="row">Qualité</th>' in page and "86&nbsp;%" in page
    assert '<rect class="bar-fill" width="86"' in page
    assert "No department" in page


REPORT_QUERIES = 5  # session, user, the report, header avatar, unread count


@pytest.mark.parametrize("n", [4, 30])
def test_report_query_count(client, admin, make_user, django_assert_max_num_queries, n):
    for i in range(n):
        fill(make_user("Personne", f"N{i}"), department=f"Service {i}", skills=["Lean"] * (i % 4))
    client.force_login(admin)
    client.get("/")
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get("/people/admin/completeness/")
    assert len(response.context["rows"]) == n + 1  # and the admin, without a department
