"""One write for every directory: created, updated, deactivated only when the directory keeps them."""

import pytest
from django.core.exceptions import ValidationError

from ruche.accounts.models import SignIn, Source, User
from ruche.accounts.provisioning import PersonRecord, person_deprovision, person_provision

pytestmark = pytest.mark.django_db


def test_a_new_person_is_created_with_their_organisation_and_no_password(alice):
    done = person_provision(
        record=PersonRecord(
            email=" Karim.Benali@Example.com ",
            first_name="Karim",
            last_name="Benali",
            job_title="Technicien",
            department="Production",
            site="Lyon",
            manager_email=alice.email.upper(),
            directory_id="k-1",
        ),
        source=Source.SCIM,
    )
    karim = User.objects.get(email="karim.benali@example.com")
    assert done.created and done.user == karim
    assert (karim.source, karim.directory_id, karim.has_usable_password()) == ("scim", "k-1", False)
    assert karim.profile.department.name == "Production" and karim.profile.site.name == "Lyon"
    assert karim.profile.manager == alice and karim.profile.job_title == "Technicien"


def test_an_update_changes_only_what_the_directory_says(alice):
    alice.profile.job_title = "Cheffe"
    alice.profile.save()
    done = person_provision(
        record=PersonRecord(email=alice.email, last_name="Martin-Leroy", department="Qualité"),
        source=Source.LDAP,
    )
    alice.refresh_from_db()
    assert sorted(done.changes) == ["department", "last_name", "source"]
    assert alice.last_name == "Martin-Leroy" and alice.profile.job_title == "Cheffe"
    assert alice.profile.department.name == "Qualité"
    assert person_provision(record=PersonRecord(email=alice.email), source=Source.LDAP).changes == []


def test_a_dry_run_reports_and_writes_nothing(alice):
    done = person_provision(
        record=PersonRecord(email=alice.email, first_name="Alicia", department="Nouveau"),
        source=Source.LDAP,
        dry_run=True,
    )
    assert sorted(done.changes) == ["department", "first_name", "source"]
    alice.refresh_from_db()
    assert alice.first_name != "Alicia" and alice.source == Source.LOCAL
    assert not person_provision(
        record=PersonRecord(email="new@example.com"), source="ldap", dry_run=True
    ).user.pk
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_bad_address_or_someone_elses_is_refused_and_changes_nothing(alice, bruno):
    with pytest.raises(ValidationError) as error:
        person_provision(record=PersonRecord(email="not an address"), source=Source.SCIM)
    assert "email" in error.value.message_dict
    person_provision(record=PersonRecord(email="k@example.com", directory_id="k"), source=Source.SCIM)
    with pytest.raises(ValidationError):
        person_provision(record=PersonRecord(email=bruno.email, directory_id="k"), source=Source.SCIM)
    assert User.objects.get(directory_id="k").email == "k@example.com"


def test_a_directory_deactivates_only_the_people_it_keeps(alice):
    kept = person_provision(record=PersonRecord(email="k@example.com"), source=Source.LDAP).user
    assert not person_deprovision(user=alice, source=Source.LDAP)
    assert person_deprovision(user=kept, source=Source.LDAP)
    kept.refresh_from_db()
    alice.refresh_from_db()
    assert alice.is_active and not kept.is_active and kept.is_former
    back = person_provision(record=PersonRecord(email="k@example.com", active=True), source=Source.LDAP)
    assert back.changes == ["active"] and User.objects.get(pk=kept.pk).deactivated_at is None


def test_every_sign_in_is_recorded(client, alice):
    alice.set_password("a-long-password-2026")
    alice.save()
    client.post("/accounts/login/", {"login": alice.email, "password": "a-long-password-2026"})
    signin = SignIn.objects.get(user=alice)
    assert signin.method == "password" and signin.ip == "127.0.0.1"
