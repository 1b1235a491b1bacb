import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ruche.accounts import services
from ruche.accounts.models import Department, Follow, Profile, Site, User
from ruche.accounts.tokens import activation_tokens, activation_uid
from ruche.posts.services import post_create
from tests.accounts.profiles import activation_path
from tests.core.i18n import in_french
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db


@pytest.fixture
def invitee(admin):
    return services.user_invite(
        invited_by=admin, email="zoe.bernard@example.com", first_name="Zoé", last_name="Bernard", send=False
    )


def logged_in(client, user):
    client.force_login(user)
    return client


# Activation page


def test_activation_page_shows_the_form(client, invitee):
    response = client.get(activation_path(invitee))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Welcome, Zoé!" in page and 'name="password1"' in page and 'name="password2"' in page


def test_mismatched_passwords_show_a_translated_error_and_change_nothing(client, invitee, settings):
    settings.LANGUAGE_CODE = "fr"  # a French company
    path = activation_path(invitee)
    response = client.post(
        path, {"password1": "un mot de passe solide", "password2": "un mot de passe solid"}
    )
    assert response.status_code == 400
    assert in_french("The two passwords differ.") in response.content.decode()
    invitee.refresh_from_db()
    assert invitee.activated_at is None and not invitee.has_usable_password()
    assert "_auth_user_id" not in client.session
    assert client.get(path).status_code == 200  # the link still works


def test_weak_password_is_refused(client, invitee):
    response = client.post(activation_path(invitee), {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    assert "This password is too common." in response.content.decode()
    invitee.refresh_from_db()
    assert invitee.activated_at is None


def test_activation_logs_in_and_leads_to_profile_edit(client, invitee):
    path = activation_path(invitee)
    response = client.post(
        path, {"password1": "un mot de passe solide", "password2": "un mot de passe solide"}
    )
    assert response.status_code == 302 and response.url == "/me/edit/"
    assert client.session["_auth_user_id"] == str(invitee.pk)
    invitee.refresh_from_db()
    assert invitee.activated_at is not None and invitee.check_password("un mot de passe solide")
    # The same link, used again:
    response = client.get(path)
    assert response.status_code == 400
    assert "This activation link no longer works" in response.content.decode()
    response = client.post(path, {"password1": "un autre mot de passe", "password2": "un autre mot de passe"})
    assert response.status_code == 400
    invitee.refresh_from_db()
    assert invitee.check_password("un mot de passe solide")


@pytest.mark.parametrize("which", ["token", "uid", "garbage-uid"])
def test_bad_activation_link_shows_the_no_longer_works_page(client, invitee, admin, which):
    uid, token = activation_uid(invitee), activation_tokens.make_token(invitee)
    if which == "token":
        token = token[:-3] + "abc"
    elif which == "uid":
        uid = activation_uid(admin)
    else:
        uid = "%%%"
    response = client.get(f"/activate/{uid}/{token}/")
    assert response.status_code == 400
    assert "This activation link no longer works" in response.content.decode()


# Admin page for people


def test_people_admin_is_for_admins_only(client, alice):
    logged_in(client, alice)
    assert client.get("/people/admin/").status_code == 403
    response = client.post(
        "/people/admin/",
        {
            "invite-email": "x@example.com",
            "invite-first_name": "X",
            "invite-last_name": "Y",
            "invite-language": "fr",
        },
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@example.com").exists()


def test_admin_invites_from_the_form(client, admin, side_effects, mailoutbox):
    logged_in(client, admin)
    assert client.get("/people/admin/").status_code == 200
    data = {
        "invite-email": "zoe.bernard@example.com", "invite-first_name": "Zoé", "invite-last_name": "Bernard",
        "invite-department": "Achats", "invite-language": "fr",
    }  # fmt: skip
    with side_effects():
        response = client.post("/people/admin/", data)
    assert response.status_code == 302
    zoe = User.objects.get(email="zoe.bernard@example.com")
    assert zoe.language == "fr" and zoe.profile.department.name == "Achats"
    assert [m.to for m in mailoutbox] == [["zoe.bernard@example.com"]]
    response = client.post("/people/admin/", data)  # again
    assert response.status_code == 400
    assert "has already been invited" in response.content.decode()
    assert User.objects.filter(email="zoe.bernard@example.com").count() == 1


def test_csv_upload_shows_the_report_line_by_line(client, admin):
    logged_in(client, admin)
    csv = "prénom;nom;email\nLéa;Garnier;lea@example.com\nSans;Adresse;pas-une-adresse\nHugo;Petit;hugo@example.com\n"
    upload = SimpleUploadedFile("export.csv", csv.encode("cp1252"), content_type="text/csv")
    response = client.post("/people/admin/", {"import-file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 people invited." in page
    assert "1 line was not imported:" in page
    assert "Line 3: “pas-une-adresse” is not a valid e-mail address." in page
    assert set(User.objects.filter(invited_by=admin).values_list("email", flat=True)) == {
        "lea@example.com", "hugo@example.com",
    }  # fmt: skip


def test_csv_without_required_columns_shows_an_error(client, admin):
    logged_in(client, admin)
    upload = SimpleUploadedFile("export.csv", b"name,site\nLea,Lyon\n", content_type="text/csv")
    response = client.post("/people/admin/", {"import-file": upload})
    assert response.status_code == 400
    assert "Missing column(s)" in response.content.decode()
    assert User.objects.count() == 1


# Directory


@pytest.fixture
def company(make_user):
    lyon, paris = Site.objects.create(name="Lyon"), Site.objects.create(name="Paris")
    achats, qualite = Department.objects.create(name="Achats"), Department.objects.create(name="Qualité")
    people = {
        "elodie": make_user("Élodie", "Lefèvre"),
        "marc": make_user("Marc", "Dubois"),
        "lea": make_user("Léa", "Garnier"),
    }
    services.profile_update(profile=people["lea"].profile, by=people["lea"], skills=["Gestion de projet"])
    services.profile_update(
        profile=people["marc"].profile, by=people["marc"], skills=["gestion de PROJET", "Lean"]
    )
    Profile.objects.filter(user=people["elodie"]).update(department=achats, site=lyon)
    Profile.objects.filter(user=people["marc"]).update(department=qualite, site=lyon)
    Profile.objects.filter(user=people["lea"]).update(department=qualite, site=paris)
    gone = make_user("Ancien", "Collègue")
    Profile.objects.filter(user=gone).update(department=qualite, site=lyon)
    User.objects.filter(pk=gone.pk).update(is_active=False)
    return {"lyon": lyon, "paris": paris, "achats": achats, "qualite": qualite, **people}


def names(response):
    return sorted(p.first_name for p in response.context["people"])


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", ["Léa", "Marc", "Élodie"]),
        ("department={achats}", ["Élodie"]),
        ("department={qualite}", ["Léa", "Marc"]),
        ("site={lyon}", ["Marc", "Élodie"]),
        ("site={lyon}&department={qualite}", ["Marc"]),
        ("skill={projet}", ["Léa", "Marc"]),
        ("q=Lefèvre", ["Élodie"]),
        ("q=lefevre", ["Élodie"]),
        ("q=LEFÈVRE", ["Élodie"]),
        ("q=élodie", ["Élodie"]),
        ("q=elodie lefevre", ["Élodie"]),
        ("q=lea", ["Léa"]),
        ("q=nobody", []),
        ("department=abc", ["Léa", "Marc", "Élodie"]),
    ],
)
def test_directory_filters(client, company, query, expected):
    from ruche.accounts.models import Skill

    projet = Skill.objects.get(key="gestion de projet")
    ids = {k: v.pk for k, v in company.items()} | {"projet": projet.pk}
    logged_in(client, company["lea"])
    response = client.get("/people/?" + query.format(**ids))
    assert response.status_code == 200
    assert names(response) == sorted(expected)
    if not expected:
        assert "Nobody matches these filters." in response.content.decode()


def test_directory_htmx_returns_only_the_results(client, company):
    logged_in(client, company["lea"])
    response = client.get("/people/?q=marc", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "Marc Dubois" in page and "Léa Garnier" not in page


# Profile


def test_profile_page(client, company, alice):
    marc = company["marc"]
    post_create(author=marc, body="Audit **terminé**")
    Profile.objects.filter(user=company["lea"]).update(manager=marc)
    logged_in(client, alice)
    response = client.get(f"/people/{marc.handle}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Marc Dubois" in page and "Qualité" in page and "Lyon" in page
    assert "Audit <strong>terminé</strong>" in page
    assert "Gestion de projet" in page and "Lean" in page
    assert "Léa Garnier" in page  # in the team
    assert 'name="follow" value="1"' in page
    assert "Edit profile" not in page
    assert client.get("/people/nobody.here/").status_code == 404


def test_profile_edit_post(client, alice, bruno):
    logged_in(client, alice)
    data = {
        "first_name": "Alice", "last_name": "Martin-Roux", "language": "fr", "job_title": "Acheteuse",
        "manager": f"@{bruno.handle}", "skills": "Lean, gestion de projet", "phone": "", "ask_me_about": "",
        "languages": "", "bio": "", "department": "", "site": "",
    }  # fmt: skip
    response = client.post("/me/edit/", data)
    assert response.status_code == 302 and response.url == f"/people/{alice.handle}/"
    alice.refresh_from_db()
    assert (alice.last_name, alice.language, alice.profile.job_title) == ("Martin-Roux", "fr", "Acheteuse")
    assert alice.profile.manager == bruno
    assert sorted(s.name for s in alice.profile.skills.all()) == ["Lean", "gestion de projet"]
    # The form shows the manager by handle, for the people autocomplete (no 10,000-option list).
    page = client.get("/me/edit/").content.decode()
    assert f'value="{bruno.handle}"' in page and "data-autocomplete-person" in page
    # One's own manager is not even offered; an unknown handle is a clear error; nothing changes.
    for wrong in [alice.handle, "nobody.here"]:
        response = client.post("/me/edit/", {**data, "manager": wrong, "job_title": "Changé"})
        assert response.status_code == 400
        assert "Aucun collègue actif" in response.content.decode()  # she chose French
        alice.profile.refresh_from_db()
        assert alice.profile.manager == bruno and alice.profile.job_title == "Acheteuse"


def test_profile_of_someone_else_is_403_but_admin_may_edit(client, alice, bruno, admin):
    logged_in(client, bruno)
    assert client.get(f"/people/{alice.handle}/edit/").status_code == 403
    assert (
        client.post(f"/people/{alice.handle}/edit/", {"first_name": "X", "last_name": "Y"}).status_code == 403
    )
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    logged_in(client, admin)
    data = {"first_name": "Alice", "last_name": "Martin", "language": "en", "job_title": "Directrice"}
    response = client.post(f"/people/{alice.handle}/edit/", data)
    assert response.status_code == 302
    alice.profile.refresh_from_db()
    assert alice.profile.job_title == "Directrice"


def test_photo_upload_of_a_non_image_is_a_clear_400(client, alice):
    logged_in(client, alice)
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(f"/people/{alice.handle}/photo/", {"photo": upload})
    assert response.status_code == 400
    assert "This file is not an image (JPEG, PNG, GIF or WebP)." in response.content.decode()
    assert not Profile.objects.get(pk=alice.pk).photo


def test_photo_upload_of_an_image(client, alice):
    logged_in(client, alice)
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(out, "PNG")
    response = client.post(
        f"/people/{alice.handle}/photo/", {"photo": SimpleUploadedFile("me.png", out.getvalue())}
    )
    assert response.status_code == 302
    photo = Profile.objects.get(pk=alice.pk).photo
    assert photo.name.endswith(".jpg")
    assert photo.url in client.get(f"/people/{alice.handle}/").content.decode()


def test_someone_else_cannot_upload_my_photo(client, alice, bruno):
    logged_in(client, bruno)
    out = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(out, "PNG")
    upload = SimpleUploadedFile("me.png", out.getvalue())
    assert client.post(f"/people/{alice.handle}/photo/", {"photo": upload}).status_code == 403
    assert not Profile.objects.get(pk=alice.pk).photo


def test_follow_button(client, alice, bruno):
    logged_in(client, alice)
    response = client.post(f"/people/{bruno.handle}/follow/", {"follow": "1"})
    assert response.status_code == 302 and response.url == f"/people/{bruno.handle}/"
    assert Follow.objects.filter(follower=alice, followed=bruno).exists()
    page = client.get(f"/people/{bruno.handle}/").content.decode()
    assert 'name="follow" value="0" aria-pressed="true"' in page and "1 follower" in page
    client.post(f"/people/{bruno.handle}/follow/", {"follow": "0"})
    assert not Follow.objects.exists()
    bruno.refresh_from_db()
    assert bruno.follower_count == 0
    assert client.get(f"/people/{bruno.handle}/follow/").status_code == 405


def test_mention_autocomplete(client, alice, admin, make_user):
    elodie = make_user("Élodie", "Lefèvre")
    make_user("Lefebvre", "Jean")
    gone = make_user("Léon", "Lemaire")
    services.user_deactivate(user=gone, by=admin)
    invited = services.user_invite(
        invited_by=admin, email="lea@example.com", first_name="Lea", last_name="Lebrun", send=False
    )
    logged_in(client, alice)

    def values(q):
        response = client.get("/autocomplete/people/", {"q": q})
        assert response.status_code == 200
        return sorted(r["value"] for r in response.json()["results"])

    assert values("Le") == ["elodie.lefevre", "lefebvre.jean"]
    assert values("@elodie") == ["elodie.lefevre"]
    assert values("Élo") == ["elodie.lefevre"]
    assert values("lefèvre") == ["elodie.lefevre"]
    assert values("febvre") == []  # a prefix, not any substring
    assert values("") == []
    assert invited.handle not in values("lea") and gone.handle not in values("leon")
    result = client.get("/autocomplete/people/", {"q": "elodie"}).json()["results"][0]
    assert result == {"value": "elodie.lefevre", "label": "Élodie Lefèvre", "detail": ""}
    assert elodie.handle == "elodie.lefevre"


def test_pages_need_login(client, alice):
    for path in ["/people/", f"/people/{alice.handle}/", "/me/edit/", "/autocomplete/people/?q=a"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), path


# Log in through allauth


def test_login_with_email_and_password(client, alice):
    response = client.post("/accounts/login/", {"login": alice.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == "/"
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_login_with_a_wrong_password_is_refused(client, alice):
    response = client.post("/accounts/login/", {"login": alice.email, "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_deactivated_person_cannot_log_in(client, alice, admin):
    services.user_deactivate(user=alice, by=admin)
    response = client.post("/accounts/login/", {"login": alice.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response.url == "/accounts/inactive/"
    assert client.get("/").status_code == 302


def test_invited_person_cannot_log_in_before_activation(client, invitee):
    response = client.post("/accounts/login/", {"login": invitee.email, "password": ""})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_signup_is_closed(client):
    response = client.post(
        "/accounts/signup/", {"email": "intrus@example.com", "password1": "un mot de passe solide"}
    )
    assert response.status_code in (200, 403)
    assert "signup_closed" in [t.name.split("/")[-1].split(".")[0] for t in response.templates]
    assert not User.objects.filter(email="intrus@example.com").exists()


# Query counts: a constant number of queries, whatever the size of the page


PROFILE_QUERIES = 16  # with the attachments of the posts shown (one query)
DIRECTORY_QUERIES = 10  # +1: the skill chips of the cards (one prefetch for the page)


@pytest.mark.parametrize("n", [5, 20])
def test_profile_page_query_count(client, alice, bruno, make_user, django_assert_max_num_queries, n):
    others = [bruno] + [make_user("Personne", f"N{i}") for i in range(4)]
    busy_posts([alice], others, n)
    for person in others[:3]:
        services.profile_update(profile=person.profile, by=person, manager=alice, skills=["Lean", "Excel"])
    services.profile_update(profile=alice.profile, by=alice, skills=["Lean", "Excel", "Achats"])
    logged_in(client, bruno)
    client.get("/")  # the session and the last-seen time are settled
    with django_assert_max_num_queries(PROFILE_QUERIES):
        response = client.get(f"/people/{alice.handle}/")
    assert response.status_code == 200
    assert len(response.context["page"].items) == n


@pytest.mark.parametrize("n", [5, 40])
def test_directory_query_count(client, alice, make_user, django_assert_max_num_queries, n):
    site = Site.objects.create(name="Lyon")
    dept = Department.objects.create(name="Achats")
    for i in range(n):
        person = make_user("Personne", f"N{i}")
        services.profile_update(profile=person.profile, by=person, skills=["Lean"])
        Profile.objects.filter(user=person).update(site=site, department=dept, job_title="Acheteur")
    logged_in(client, alice)
    client.get("/")
    with django_assert_max_num_queries(DIRECTORY_QUERIES):
        response = client.get(f"/people/?site={site.pk}")
    assert response.status_code == 200
    assert len(response.context["people"]) == n
