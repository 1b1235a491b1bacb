"""People through the API: the directory, profiles, following."""

import pytest

from ruche.accounts.models import Department, Follow, Profile, Skill, User
from ruche.accounts.services import user_follow

pytestmark = pytest.mark.django_db

DIRECTORY_QUERIES = 5


def test_directory_filters_as_in_the_browser(alice, bruno, make_user, api_as):
    quality = Department.objects.create(name="Qualité")
    Profile.objects.filter(user=bruno).update(department=quality, job_title="Technicien")
    elodie = make_user("Élodie", "Faure")
    skill = Skill.objects.create(name="Soudure")
    elodie.profile.skills.add(skill)
    api = api_as(alice)
    assert [p["handle"] for p in api.get("/people/", q="elodie").json()["items"]] == [elodie.handle]
    by_department = api.get("/people/", department=quality.pk).json()["items"]
    assert [(p["handle"], p["job_title"], p["department"]["name"]) for p in by_department] == [
        (bruno.handle, "Technicien", "Qualité")
    ]
    assert [p["handle"] for p in api.get("/people/", skill=skill.pk).json()["items"]] == [elodie.handle]
    everyone = api.get("/people/").json()
    assert everyone["count"] == 3 and everyone["page"] == 1 and everyone["next_page"] is None


def test_directory_leaves_former_colleagues_out(alice, bruno, api_as):
    User.objects.filter(pk=bruno.pk).update(is_active=False)
    assert [p["handle"] for p in api_as(alice).get("/people/").json()["items"]] == [alice.handle]


def test_directory_pages(alice, make_user, api_as):
    for i in range(50):
        make_user("Personne", f"N{i:02d}")
    api = api_as(alice)
    first = api.get("/people/").json()
    assert len(first["items"]) == 48 and first["next_page"] == 2 and first["pages"] == 2
    assert len(api.get("/people/", page=2).json()["items"]) == 3
    response = api.get("/people/", page=0)
    assert response.status_code == 422 and response.json()["field"] == "page"


def test_directory_query_count_does_not_grow(alice, make_user, api_as, queries_of):
    department = Department.objects.create(name="Atelier")
    api = api_as(alice)
    few, _response = queries_of(lambda: api.get("/people/"))
    for i in range(20):
        person = make_user("Personne", f"N{i:02d}")
        Profile.objects.filter(user=person).update(department=department)
    many, response = queries_of(lambda: api.get("/people/"))
    assert len(response.json()["items"]) == 21
    assert few == many <= DIRECTORY_QUERIES


def test_profile(alice, bruno, api_as):
    user_follow(follower=alice, followed=bruno)
    Profile.objects.filter(user=bruno).update(manager=alice, bio="Métrologue")
    data = api_as(alice).get(f"/people/{bruno.handle}").json()
    assert data["handle"] == bruno.handle and data["name"] == "Bruno Lefèvre"
    assert data["bio"] == "Métrologue" and data["manager"]["handle"] == alice.handle
    assert data["is_followed"] is True and data["follower_count"] == 1
    assert api_as(alice).get(f"/people/{alice.handle}").json()["reports"][0]["handle"] == bruno.handle
    assert api_as(alice).get("/people/personne").status_code == 404


def test_follow_and_unfollow(alice, bruno, api_as, side_effects):
    api = api_as(alice)
    with side_effects():
        response = api.post(f"/people/{bruno.handle}/follow")
    assert response.status_code == 200 and response.json() == {"following": True}
    assert api.post(f"/people/{bruno.handle}/follow").status_code == 200  # twice is once
    bruno.refresh_from_db()
    assert bruno.follower_count == 1
    assert api.delete(f"/people/{bruno.handle}/follow").status_code == 204
    bruno.refresh_from_db()
    assert bruno.follower_count == 0 and not Follow.objects.exists()


def test_one_cannot_follow_oneself_nor_a_former_colleague(alice, bruno, api_as):
    User.objects.filter(pk=bruno.pk).update(is_active=False)
    api = api_as(alice)
    assert api.post(f"/people/{alice.handle}/follow").status_code == 403
    assert api.post(f"/people/{bruno.handle}/follow").status_code == 403
    assert api.post("/people/personne/follow").status_code == 404
    assert not Follow.objects.exists()


def test_edit_own_profile(alice, bruno, api_as, side_effects):
    quality = Department.objects.create(name="Qualité")
    api = api_as(alice)
    with side_effects():
        response = api.patch(
            f"/people/{alice.handle}",
            {"job_title": "Acheteuse", "department": quality.pk, "manager": bruno.handle, "skills": ["Lean"]},
        )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["job_title"] == "Acheteuse" and body["department"]["name"] == "Qualité"
    assert body["manager"]["handle"] == bruno.handle and [s["name"] for s in body["skills"]] == ["Lean"]
    # Only what is sent changes; null clears.
    response = api.patch(f"/people/{alice.handle}", {"manager": None})
    assert response.json()["manager"] is None and response.json()["job_title"] == "Acheteuse"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"department": 999}, "department"),
        ({"manager": "nobody.here"}, "manager"),
        ({"language": "de"}, "language"),
        ({"job_title": "x" * 121}, "job_title"),
    ],
)
def test_bad_profile_edits_name_the_field_and_change_nothing(alice, api_as, data, field):
    response = api_as(alice).patch(f"/people/{alice.handle}", {"bio": "Changé", **data})
    assert response.status_code in {400, 422} and response.json()["field"] == field
    alice.profile.refresh_from_db()
    assert alice.profile.bio == ""


def test_own_manager_refused_and_others_profiles_are_403(alice, bruno, api_as):
    response = api_as(alice).patch(f"/people/{alice.handle}", {"manager": alice.handle})
    assert response.status_code == 400 and response.json()["field"] == "manager"
    response = api_as(alice).patch(f"/people/{bruno.handle}", {"job_title": "Stagiaire"})
    assert response.status_code == 403
    bruno.profile.refresh_from_db()
    assert bruno.profile.job_title != "Stagiaire"
