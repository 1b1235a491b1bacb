import io
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import ExifTags, Image

from ruche.accounts import services
from ruche.accounts.models import Department, Follow, Profile, Site, Skill, User
from ruche.accounts.tokens import activation_tokens, activation_uid
from ruche.feed.models import FeedEntry
from ruche.notifications.models import Notification
from ruche.posts.models import Post
from ruche.posts.services import post_create
from tests.core.i18n import in_french

pytestmark = pytest.mark.django_db

LINK_RE = re.compile(r"https?://\S+/activate/(?P<uid>[^/\s]+)/(?P<token>[^/\s]+)/")


def invite(admin, **fields):
    values = {"email": "zoe.bernard@example.com", "first_name": "Zoé", "last_name": "Bernard"}
    return services.user_invite(invited_by=admin, **{**values, **fields})


# Invitations


def test_invite_creates_an_invited_colleague_and_mails_the_link(admin, side_effects, mailoutbox):
    with side_effects():
        user = invite(admin, email=" Zoe.Bernard@Example.com ", job_title="Acheteuse",
                      department="Achats", site="Lyon", language="en")  # fmt: skip
    user.refresh_from_db()
    assert user.email == "zoe.bernard@example.com"
    assert user.handle == "zoe.bernard"
    assert not user.has_usable_password()
    assert user.activated_at is None and user.invited_by == admin and user.invited_at is not None
    assert user.activation_state == "invited"
    profile = Profile.objects.select_related("department", "site").get(user=user)
    assert (profile.job_title, profile.department.name, profile.site.name) == ("Acheteuse", "Achats", "Lyon")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["zoe.bernard@example.com"]
    assert "You are invited to join Ruche" in mail.subject
    link = LINK_RE.search(mail.body)
    assert link, mail.body
    assert link["uid"] == activation_uid(user)
    assert activation_tokens.check_token(user, link["token"])
    assert link.group(0) in mail.alternatives[0][0]  # the HTML part carries the same link


def test_department_and_site_are_reused_by_name(admin):
    invite(admin, department="Achats", site="Lyon")
    invite(
        admin, email="max@example.com", first_name="Max", last_name="Roy", department="achats ", site="LYON"
    )
    assert Department.objects.count() == 1 and Site.objects.count() == 1


def test_invitation_mail_is_in_the_invitees_language(admin, side_effects, mailoutbox):
    with side_effects():
        invite(admin, language="fr")
        invite(admin, email="tom@example.com", first_name="Tom", last_name="Smith", language="en")
    by_address = {m.to[0]: m for m in mailoutbox}
    assert by_address["zoe.bernard@example.com"].subject == in_french(
        "You are invited to join %(site)s", site="Ruche"
    )
    assert in_french("Choose your password here:") in by_address["zoe.bernard@example.com"].body
    assert by_address["tom@example.com"].subject == "You are invited to join Ruche"


def test_duplicate_invitation_is_refused_and_creates_nothing(admin, side_effects, mailoutbox):
    with side_effects():
        invite(admin)
    with pytest.raises(ValidationError) as error, side_effects():
        invite(admin, email="ZOE.bernard@example.com", first_name="Zoé", last_name="Autre", department="Neuf")
    assert "email" in error.value.message_dict
    assert User.objects.filter(email="zoe.bernard@example.com").count() == 1
    assert not Department.objects.filter(name="Neuf").exists()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("email", ["not-an-address", "zoe@", ""])
def test_invalid_email_is_refused(admin, email, mailoutbox, side_effects):
    before = User.objects.count()
    with pytest.raises(ValidationError) as error, side_effects():
        invite(admin, email=email)
    assert "email" in error.value.message_dict
    assert User.objects.count() == before and not mailoutbox


def test_only_admins_invite(alice):
    with pytest.raises(PermissionDenied):
        invite(alice)
    assert not User.objects.filter(email="zoe.bernard@example.com").exists()


# CSV import from HR

HR_COMMA = """email,first_name,last_name,job_title,department,site,manager_email
lea.garnier@example.com,Léa,Garnier,Technicienne,Maintenance,Lyon,marc.dubois@example.com
marc.dubois@example.com,Marc,Dubois,Chef d'atelier,Maintenance,Lyon,
"""

HR_FRENCH = """prénom;nom;courriel;poste;service;site;responsable
Léa;Garnier;lea.garnier@example.com;Technicienne;Maintenance;Lyon;marc.dubois@example.com
Marc;Dubois;marc.dubois@example.com;Chef d'atelier;Maintenance;Lyon;
Élodie;Müller;elodie.muller@example.com;Acheteuse;Achats;Saint-Étienne;marc.dubois@example.com
"""


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(HR_COMMA.encode(), id="comma-utf8"),
        pytest.param(HR_FRENCH.encode("utf-8-sig"), id="semicolon-bom"),
        pytest.param(HR_FRENCH.encode("cp1252"), id="semicolon-cp1252"),
        pytest.param(HR_FRENCH.replace("\n", "\r\n").encode("cp1252"), id="semicolon-cp1252-crlf"),
    ],
)
def test_import_hr_export(admin, data):
    report = services.users_import_csv(data=data, invited_by=admin, create_units=True)
    assert report.errors == []
    lea = User.objects.select_related("profile__manager", "profile__department").get(
        email="lea.garnier@example.com"
    )
    assert (lea.first_name, lea.last_name, lea.handle) == ("Léa", "Garnier", "lea.garnier")
    assert lea.profile.department.name == "Maintenance" and lea.profile.job_title == "Technicienne"
    # The manager comes later in the file, and is still found.
    assert lea.profile.manager.email == "marc.dubois@example.com"
    assert not lea.has_usable_password() and lea.invited_by == admin
    assert {u.email for u in report.created} == set(
        User.objects.exclude(pk=admin.pk).values_list("email", flat=True)
    )
    if b"elodie" in data:
        elodie = User.objects.get(email="elodie.muller@example.com")
        assert (elodie.first_name, elodie.last_name, elodie.profile.site.name) == (
            "Élodie",
            "Müller",
            "Saint-Étienne",
        )


def test_an_unknown_department_or_site_is_reported_not_created_unless_asked(admin):
    Department.objects.create(name="Maintenance")
    Site.objects.create(name="Lyon")
    data = (
        "email,first_name,last_name,department,site\n"
        "lea.garnier@example.com,Léa,Garnier,maintenance,Lyon\n"
        "marc.dubois@example.com,Marc,Dubois,Maintenence,Lyon\n"
        "elodie.muller@example.com,Élodie,Müller,Maintenance,Lyonn\n"
    ).encode()
    report = services.users_import_csv(data=data, invited_by=admin)
    assert [u.email for u in report.created] == ["lea.garnier@example.com"]  # the case does not matter
    assert [line for line, _message in report.errors] == [3, 4]
    assert "Maintenence" in dict(report.errors)[3] and "Lyonn" in dict(report.errors)[4]
    assert report.unknown_names == ["Lyonn", "Maintenence"]
    assert set(Department.objects.values_list("name", flat=True)) == {"Maintenance"}
    assert set(Site.objects.values_list("name", flat=True)) == {"Lyon"}
    again = services.users_import_csv(data=data, invited_by=admin, create_units=True)
    assert [u.email for u in again.created] == ["marc.dubois@example.com", "elodie.muller@example.com"]
    assert set(Department.objects.values_list("name", flat=True)) == {"Maintenance", "Maintenence"}


def test_import_reports_bad_lines_and_imports_the_good_ones(admin, alice):
    data = (
        "prénom;nom;email;responsable\n"
        "Léa;Garnier;lea.garnier@example.com;\n"
        "Sans;Adresse;pas-une-adresse;\n"
        "\n"
        ";Anonyme;anonyme@example.com;\n"
        f"Alice;Martin;{alice.email.upper()};\n"
        "Hugo;Petit;hugo.petit@example.com;inconnu@example.com\n"
    ).encode()
    report = services.users_import_csv(data=data, invited_by=admin)
    assert [u.email for u in report.created] == ["lea.garnier@example.com", "hugo.petit@example.com"]
    assert [line for line, _message in report.errors] == [3, 5, 6, 7]
    messages = dict(report.errors)
    assert "pas-une-adresse" in messages[3]
    assert alice.email in messages[6]
    assert "inconnu@example.com" in messages[7]
    assert set(User.objects.values_list("email", flat=True)) == {
        admin.email, alice.email, "lea.garnier@example.com", "hugo.petit@example.com",
    }  # fmt: skip
    assert User.objects.get(email="hugo.petit@example.com").profile.manager is None


def test_import_without_required_columns_creates_nothing(admin):
    data = b"first_name,last_name,site\nLea,Garnier,Lyon\n"
    with pytest.raises(ValidationError) as error:
        services.users_import_csv(data=data, invited_by=admin)
    assert "email" in " ".join(error.value.messages)
    assert User.objects.count() == 1 and Site.objects.count() == 0


def test_import_of_an_empty_file_is_refused(admin):
    with pytest.raises(ValidationError):
        services.users_import_csv(data=b"", invited_by=admin)
    assert User.objects.count() == 1


def test_only_admins_import(alice):
    with pytest.raises(PermissionDenied):
        services.users_import_csv(data=HR_COMMA.encode(), invited_by=alice)
    assert not User.objects.filter(email="lea.garnier@example.com").exists()


# Activation


def test_activation_sets_password_and_the_link_dies(admin):
    user = invite(admin)
    token = activation_tokens.make_token(user)
    assert activation_tokens.check_token(user, token)
    services.user_activate(user=user, password="un mot de passe solide")
    user.refresh_from_db()
    assert user.check_password("un mot de passe solide")
    assert user.activated_at is not None and user.activation_state == "activated"
    assert not activation_tokens.check_token(user, token)  # a used link no longer works
    with pytest.raises(ValidationError):
        services.user_activate(user=user, password="un autre mot de passe")
    user.refresh_from_db()
    assert user.check_password("un mot de passe solide")


def test_activation_link_lives_as_long_as_the_invitation_whatever_a_password_reset_link_lives(
    admin, settings
):
    settings.PASSWORD_RESET_TIMEOUT = 60
    user = invite(admin)
    token = activation_tokens.make_token(user)
    now = time.time()
    with mock.patch("time.time", return_value=now + timedelta(days=13).total_seconds()):
        assert activation_tokens.check_token(user, token)
    with mock.patch("time.time", return_value=now + timedelta(days=15).total_seconds()):
        assert not activation_tokens.check_token(user, token)
    assert not activation_tokens.check_token(user, token[:-2] + "xx")  # tampered


def test_a_password_reset_link_lives_an_hour():
    from django.conf import settings

    assert settings.PASSWORD_RESET_TIMEOUT == 3600  # Django's and allauth's reset tokens read it


def test_activation_link_of_someone_else_does_not_work(admin):
    zoe = invite(admin)
    max_ = invite(admin, email="max@example.com", first_name="Max", last_name="Roy")
    assert not activation_tokens.check_token(max_, activation_tokens.make_token(zoe))


# Leaving and coming back


def test_deactivated_person_cannot_log_in_and_their_posts_stay(admin, alice):
    post = post_create(author=alice, body="Mon dernier message")
    services.user_deactivate(user=alice, by=admin)
    assert not Client().login(email=alice.email, password="correct-horse-battery")
    assert Post.objects.alive().filter(pk=post.pk).exists()
    client = Client()
    client.force_login(admin)
    page = client.get(f"/people/{alice.handle}/").content.decode()
    assert "Former colleague" in page and "Mon dernier message" in page
    services.user_reactivate(user=alice, by=admin)
    alice.refresh_from_db()
    assert alice.deactivated_at is None and alice.is_active
    assert Client().login(email=alice.email, password="correct-horse-battery")


def test_only_another_admin_deactivates(admin, alice, bruno):
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=bruno, by=alice)
    with pytest.raises(PermissionDenied):
        services.user_deactivate(user=admin, by=admin)
    assert User.objects.filter(is_active=False).count() == 0


# Profiles


def test_skills_are_a_shared_vocabulary(alice, bruno):
    services.profile_update(profile=alice.profile, by=alice, skills=["Gestion de projet", " Lean "])
    services.profile_update(
        profile=bruno.profile, by=bruno, skills=["gestion de PROJET", "lean", "Électricité"]
    )
    assert Skill.objects.count() == 3
    projet = Skill.objects.get(key="gestion de projet")
    assert projet.name == "Gestion de projet"
    assert set(projet.profiles.values_list("user_id", flat=True)) == {alice.pk, bruno.pk}
    services.profile_update(profile=bruno.profile, by=bruno, skills=["electricite", "ÉLECTRICITÉ"])
    assert [s.name for s in bruno.profile.skills.all()] == ["Électricité"]


def test_profile_update_saves_fields(alice, bruno):
    services.profile_update(
        profile=alice.profile, by=alice, job_title="Responsable qualité", manager=bruno, first_name="Alicia"
    )
    alice.refresh_from_db()
    assert alice.first_name == "Alicia"
    assert alice.profile.job_title == "Responsable qualité" and alice.profile.manager == bruno


def test_cannot_be_ones_own_manager(alice):
    with pytest.raises(ValidationError) as error:
        services.profile_update(profile=alice.profile, by=alice, manager=alice, job_title="Changé")
    assert "manager" in error.value.message_dict
    alice.profile.refresh_from_db()
    assert alice.profile.manager is None and alice.profile.job_title == ""


def test_someone_else_cannot_edit_a_profile_but_an_admin_can(alice, bruno, admin):
    with pytest.raises(PermissionDenied):
        services.profile_update(profile=alice.profile, by=bruno, job_title="Piraté")
    alice.profile.refresh_from_db()
    assert alice.profile.job_title == ""
    services.profile_update(profile=alice.profile, by=admin, job_title="Acheteuse")
    alice.profile.refresh_from_db()
    assert alice.profile.job_title == "Acheteuse"


def _photo_bytes(fmt: str) -> bytes:
    """A 600x400 photo, red on top and blue below, taken rotated (EXIF orientation 6) with GPS tags."""
    image = Image.new("RGB", (600, 400), (255, 0, 0))
    image.paste((0, 0, 255), (0, 200, 600, 400))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Spycam"
    exif[ExifTags.IFD.GPSInfo] = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


@pytest.mark.parametrize("fmt,name", [("JPEG", "selfie.jpg"), ("PNG", "selfie.png")])
def test_photo_is_upright_square_jpeg_without_metadata(alice, fmt, name):
    data = _photo_bytes(fmt)
    assert b"Spycam" in data
    services.profile_set_photo(profile=alice.profile, by=alice, upload=SimpleUploadedFile(name, data))
    profile = Profile.objects.get(pk=alice.pk)
    assert profile.photo.name.startswith(f"photos/{alice.pk}/") and profile.photo.name.endswith(".jpg")
    stored = profile.photo.read()
    assert b"Spycam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and image.size == (512, 512)
        assert not dict(image.getexif())
        assert "exif" not in image.info
        # Turned upright: what was the top of the sensor is now on the right.
        right, left = image.getpixel((500, 256)), image.getpixel((10, 256))
    assert right[0] > 200 and right[2] < 60
    assert left[2] > 200 and left[0] < 60


def test_new_photo_replaces_the_old_file(alice, side_effects):
    services.profile_set_photo(
        profile=alice.profile, by=alice, upload=SimpleUploadedFile("a.jpg", _photo_bytes("JPEG"))
    )
    old = Profile.objects.get(pk=alice.pk).photo
    old_name, storage = old.name, old.storage
    with side_effects():
        services.profile_set_photo(
            profile=Profile.objects.get(pk=alice.pk), by=alice,
            upload=SimpleUploadedFile("b.png", _photo_bytes("PNG")),
        )  # fmt: skip
    new_name = Profile.objects.get(pk=alice.pk).photo.name
    assert new_name != old_name and storage.exists(new_name)
    assert not storage.exists(old_name)


def test_a_text_file_named_like_a_photo_is_refused(alice, settings):
    upload = SimpleUploadedFile("photo.jpg", b"just some text, not a JPEG\n", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        services.profile_set_photo(profile=alice.profile, by=alice, upload=upload)
    assert "photo" in error.value.message_dict
    assert not Profile.objects.get(pk=alice.pk).photo
    assert not (settings.MEDIA_ROOT / "photos").exists()


def test_someone_else_cannot_change_my_photo(alice, bruno):
    with pytest.raises(PermissionDenied):
        services.profile_set_photo(
            profile=alice.profile, by=bruno, upload=SimpleUploadedFile("a.jpg", _photo_bytes("JPEG"))
        )
    assert not Profile.objects.get(pk=alice.pk).photo


# Following people


def _followers(user) -> int:
    user.refresh_from_db()
    assert user.follower_count == Follow.objects.filter(followed=user).count()
    return user.follower_count


def test_follow_is_idempotent_and_counted(alice, bruno, make_user):
    chloe = make_user("Chloé", "Petit")
    assert services.user_follow(follower=alice, followed=bruno) is not None
    assert services.user_follow(follower=alice, followed=bruno) is None
    services.user_follow(follower=chloe, followed=bruno)
    assert _followers(bruno) == 2
    services.user_unfollow(follower=alice, followed=bruno)
    services.user_unfollow(follower=alice, followed=bruno)
    assert _followers(bruno) == 1
    assert not Follow.objects.filter(follower=alice).exists()


def test_cannot_follow_oneself_or_a_former_colleague(alice, bruno, admin):
    with pytest.raises(PermissionDenied):
        services.user_follow(follower=alice, followed=alice)
    services.user_deactivate(user=bruno, by=admin)
    with pytest.raises(PermissionDenied):
        services.user_follow(follower=alice, followed=bruno)
    assert not Follow.objects.exists()
    assert _followers(alice) == 0


def test_follow_notifies_and_backfills_the_feed(alice, bruno, side_effects):
    old = post_create(author=bruno, body="Ancien message")
    reply = post_create(author=bruno, body="Une réponse", parent=old)
    gone = post_create(author=bruno, body="Supprimé")
    recent = post_create(author=bruno, body="Message récent")
    from ruche.posts.services import post_delete

    post_delete(post=gone, by=bruno)
    with side_effects():
        services.user_follow(follower=alice, followed=bruno)
    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.actor) == (bruno, "follow", alice)
    entries = FeedEntry.objects.filter(user=alice)
    assert set(entries.values_list("post_id", flat=True)) == {old.pk, recent.pk}
    assert set(entries.values_list("reason", flat=True)) == {"follow"}
    assert not entries.filter(post=reply).exists()
    # Following again notifies nobody a second time.
    with side_effects():
        services.user_follow(follower=alice, followed=bruno)
    assert Notification.objects.count() == 1


def test_directory_name_search_ignores_accents_and_case(make_user):
    from ruche.accounts.selectors import directory

    elodie = make_user("Élodie", "Fièvre")
    make_user("Marc", "Durand")
    for query in ("elodie", "ÉLODIE", "fievre elo", "Fièvre"):
        assert [p.pk for p in directory(name=query)] == [elodie.pk], query


def test_the_directory_lists_colleagues_who_activated_not_people_only_invited(admin, alice):
    from ruche.accounts.selectors import directory

    zoe = invite(admin)
    listed = {p.pk for p in directory()}
    assert alice.pk in listed and zoe.pk not in listed
    services.user_activate(user=zoe, password="un mot de passe solide")
    assert zoe.pk in {p.pk for p in directory()}
