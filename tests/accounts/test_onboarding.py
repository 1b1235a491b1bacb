"""Mandatory profile fields: the admin page, and the onboarding nobody can skip."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ruche.accounts import services
from ruche.accounts.middleware import SESSION_KEY
from ruche.accounts.models import Department, ProfileSettings, Site
from tests.accounts.test_completeness import fill, fresh, png
from tests.accounts.test_views import activation_path
from tests.core.i18n import in_french

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english_company):
    """Anonymous pages speak the company's language (French by default): these tests read English."""


@pytest.fixture
def places():
    return Department.objects.create(name="Achats"), Site.objects.create(name="Lyon")


def valid_answer(key, bruno, places) -> dict:
    department, site = places
    return {
        "photo": {"photo": png()},
        "job_title": {"job_title": "Acheteuse"},
        "department": {"department": department.pk},
        "site": {"site": site.pk},
        "manager": {"manager": bruno.handle},
        "skills": {"skills": "Lean, Excel, Négociation"},
        "bio": {"bio": "Vingt ans aux achats."},
    }[key]


# Nothing mandatory: nothing changes


def test_nothing_is_mandatory_by_default(client, alice):
    assert ProfileSettings.current().mandatory == []
    client.force_login(alice)
    assert client.get("/").status_code == 200
    assert client.get("/welcome/").status_code == 302  # nothing to do there: on to the home page


def test_no_rule_costs_no_query(client, alice, django_assert_num_queries):
    client.force_login(alice)
    client.get("/people/")  # settles the session, the last-seen time and the cached rules
    with django_assert_num_queries(0):
        ProfileSettings.current()


# Each mandatory item


@pytest.mark.parametrize("key", ["photo", "job_title", "department", "site", "manager", "skills", "bio"])
def test_each_mandatory_item_leads_to_onboarding_until_given(
    client, alice, bruno, places, rules, key, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    rules(key)
    client.force_login(alice)
    response = client.get("/communities/")
    assert response.status_code == 302 and response["Location"] == "/welcome/?next=%2Fcommunities%2F"
    page = client.get("/welcome/")
    assert page.status_code == 200
    assert list(page.context["form"].fields) == [key]  # a focused form: only what is missing
    response = client.post("/welcome/", {**valid_answer(key, bruno, places), "next": "/communities/"})
    assert response.status_code == 302 and response["Location"] == "/communities/"
    assert client.get("/communities/").status_code == 200
    assert client.session[SESSION_KEY] == ProfileSettings.current().version


def test_the_form_asks_only_for_what_is_missing(client, alice, rules):
    fill(alice, job_title="Acheteuse", skills=["Lean"])
    rules("job_title", "skills", "bio", "photo")
    client.force_login(alice)
    assert list(client.get("/welcome/").context["form"].fields) == ["skills", "photo"]


def test_someone_complete_is_not_bothered_and_checked_once_per_session(
    client, alice, bruno, rules, django_assert_max_num_queries
):
    fill(alice, manager=bruno)
    rules("job_title", "skills")
    client.force_login(alice)
    assert client.get("/").status_code == 200
    assert client.session[SESSION_KEY] == ProfileSettings.current().version
    with django_assert_max_num_queries(8):  # no mandatory-field check again: the session remembers
        client.get("/people/admin/profiles/")


def test_new_rules_are_checked_again_at_the_next_request(client, alice, rules):
    rules("job_title")
    fill(alice)
    client.force_login(alice)
    assert client.get("/").status_code == 200
    rules("job_title", "photo")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/welcome/"


# What stays reachable


def test_the_way_out_and_what_onboarding_needs_stay_open(client, alice, rules, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    rules("job_title")
    client.force_login(alice)
    assert client.get("/autocomplete/skills/?q=le").status_code == 200
    assert client.get("/static/ruche/ruche.css").status_code in (200, 404)  # never sent to onboarding
    assert client.get("/media/photos/1/none.jpg").status_code == 404  # served (or not found), not blocked
    assert client.get("/no/such/page/").status_code == 404
    response = client.post("/me/language/", {"language": "fr", "next": "/welcome/"})
    assert response.status_code == 302 and response["Location"] == "/welcome/"
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_admins_can_still_undo_their_rule(client, admin, alice, rules):
    rules("job_title")
    client.force_login(admin)
    assert client.get("/").status_code == 302
    assert client.get("/people/admin/profiles/").status_code == 200
    client.force_login(alice)
    assert client.get("/people/admin/profiles/").status_code == 302


def test_htmx_requests_are_sent_to_onboarding_as_a_whole_page(client, alice, rules):
    rules("job_title")
    client.force_login(alice)
    response = client.get("/?before=99", HTTP_HX_REQUEST="true")
    assert response.status_code == 403 and response["HX-Redirect"] == "/welcome/"
    assert response.json()["error"] == "onboarding_required"


def test_json_requests_get_a_json_403(client, alice, rules):
    rules("job_title")
    client.force_login(alice)
    response = client.get("/autocomplete/people/?q=bru", HTTP_ACCEPT="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "onboarding_required" and body["url"] == "/welcome/"
    assert "Complete your profile first" in body["detail"]


def test_a_blocked_form_post_changes_nothing_and_goes_to_onboarding(client, alice, rules):
    rules("job_title")
    client.force_login(alice)
    response = client.post("/posts/new/", {"body": "Bonjour"}, HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and response["Location"] == "/welcome/"
    from ruche.posts.models import Post

    assert not Post.objects.exists()


def test_the_next_parameter_cannot_leave_ruche(client, alice, rules):
    rules("job_title")
    client.force_login(alice)
    response = client.post("/welcome/", {"job_title": "Acheteuse", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


# Errors


def test_errors_are_translated_and_what_was_typed_is_kept(client, alice, rules):
    rules("job_title", "skills", "bio")
    alice.language = "fr"
    alice.save(update_fields=["language"])
    client.force_login(alice)
    response = client.post("/welcome/", {"job_title": "Acheteuse", "skills": "Lean, lean", "bio": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Acheteuse"' in page and 'value="Lean, lean"' in page
    assert in_french("This field is required.") in page
    response = client.post("/welcome/", {"job_title": "Acheteuse", "skills": "Lean, lean", "bio": "Bonjour"})
    assert response.status_code == 400
    page = response.content.decode()
    assert in_french("Give at least %(min)d different skills (you gave %(given)d).", min=3, given=1) in page
    assert 'value="Acheteuse"' in page and "Bonjour" in page
    assert fresh(alice).job_title == ""  # nothing saved until everything is right


def test_a_bad_photo_is_refused_with_the_reason(client, alice, rules, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    rules("photo", "job_title")
    client.force_login(alice)
    bad = SimpleUploadedFile("me.png", b"nope", content_type="image/png")
    response = client.post("/welcome/", {"photo": bad, "job_title": "Acheteuse"})
    assert response.status_code == 400
    assert "This file is not an image" in response.content.decode()
    assert 'value="Acheteuse"' in response.content.decode()
    # A good photo with another field wrong: nothing is saved, and the page says to choose it again.
    response = client.post("/welcome/", {"photo": png(), "job_title": ""})
    assert response.status_code == 400 and response.context["photo_lost"]
    assert "choose your photo again" in response.content.decode()
    assert not fresh(alice).photo


# Activation and the profile page follow the same rules


def test_an_invited_person_goes_from_activation_to_onboarding(client, admin, rules):
    rules("job_title")
    invitee = services.user_invite(
        invited_by=admin, email="zoe@example.com", first_name="Zoé", last_name="Bernard", send=False
    )
    password = "un mot de passe solide"
    response = client.post(activation_path(invitee), {"password1": password, "password2": password})
    assert response.status_code == 302 and response["Location"] == "/welcome/"


def test_the_profile_form_requires_the_mandatory_fields(client, alice, rules):
    fill(alice)
    rules("job_title", "skills")
    client.force_login(alice)
    form = client.get("/me/edit/").context["form"]
    assert form.fields["job_title"].required and form.fields["skills"].required
    assert not form.fields["bio"].required
    data = {"first_name": "Alice", "last_name": "Martin", "language": "en", "job_title": "Auditrice",
            "skills": "Lean", "bio": ""}  # fmt: skip
    response = client.post("/me/edit/", data)
    assert response.status_code == 400
    assert "you gave 1" in response.content.decode()
    assert fresh(alice).skills.count() == 3


def test_a_mandatory_photo_cannot_be_removed_from_the_profile_page(client, alice, rules, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    fill(alice, photo=True)
    rules("photo")
    client.force_login(alice)
    response = client.post(f"/people/{alice.handle}/photo/", {"remove": "1"}, follow=True)
    assert "upload another one instead" in response.content.decode()
    assert fresh(alice).photo


# The admin page


def test_only_admins_see_the_rules_page(client, alice):
    client.force_login(alice)
    assert client.get("/people/admin/profiles/").status_code == 403
    assert client.post("/people/admin/profiles/", {"mandatory": ["photo"]}).status_code == 403
    assert ProfileSettings.current().mandatory == []


def test_admin_saves_the_rules(client, admin, django_capture_on_commit_callbacks):
    fill(admin)
    client.force_login(admin)
    page = client.get("/people/admin/profiles/")
    assert page.status_code == 200 and "Mandatory fields at first login" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/people/admin/profiles/", {"mandatory": ["skills", "job_title"]})
    assert response.status_code == 302
    assert ProfileSettings.current().mandatory == ["job_title", "skills"]
    response = client.post("/people/admin/profiles/", {"mandatory": ["shoe_size"]})
    assert response.status_code == 400
    assert ProfileSettings.current().mandatory == ["job_title", "skills"]
