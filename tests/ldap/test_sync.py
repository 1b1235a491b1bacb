"""The LDAP sync against a real OpenLDAP server (tests/ldap/slapd.py): created, updated,
deactivated, skipped, dry run, safety, and the administrators' page."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from ruche.accounts.models import AdminLogEntry, Profile, Source, User
from ruche.ldap.models import DirectoryPhoto, SyncRun
from ruche.ldap.services import ldap_sync
from ruche.web.templatetags.ruche import display_name
from ruche.worker.models import Task
from tests.images import spy_jpeg

pytestmark = pytest.mark.django_db(transaction=True)

PHOTO = spy_jpeg(size=(300, 300))


def company(slapd, *, with_photo=True):
    """Five people; the report (Inès) listed before her manager (Marc), who reports to the boss."""
    with slapd.connection() as ldap:
        slapd.add(ldap, "ines", mail="Ines.Roy@Example.com", givenName="Inès", sn="Roy", title="Technicienne",
                  departmentNumber="Production", l="Lyon", telephoneNumber="+33 4 00 00 00 01",
                  manager=slapd.dn("marc"), jpegPhoto=PHOTO if with_photo else None)  # fmt: skip
        slapd.add(ldap, "marc", mail="marc.blanc@example.com", givenName="Marc", sn="Blanc", title="Chef d'atelier",
                  departmentNumber="Production", l="Lyon", manager=slapd.dn("boss"))  # fmt: skip
        slapd.add(ldap, "boss", mail="sophie.durand@example.com", givenName="Sophie", sn="Durand", title="Directrice",
                  departmentNumber="Direction", l="Paris")  # fmt: skip
        slapd.add(ldap, "paul", mail="paul.henry@example.com", givenName="Paul", sn="Henry", title="Comptable",
                  departmentNumber="Finance", l="Paris", manager=slapd.dn("boss"))  # fmt: skip
        slapd.add(ldap, "lea", mail="lea.morel@example.com", givenName="Léa", sn="Morel", title="Acheteuse",
                  departmentNumber="Achats", l="Lyon", manager=slapd.dn("boss"))  # fmt: skip


def test_a_first_sync_creates_everyone_with_their_organisation_and_photo(slapd):
    company(slapd)
    run = ldap_sync()
    assert run.status == "done" and not run.dry_run
    assert run.counts == {
        "entries": 5,
        "created": 5,
        "updated": 0,
        "deactivated": 0,
        "unchanged": 0,
        "skipped": 0,
    }
    ines = User.objects.get(email="ines.roy@example.com")
    profile = Profile.objects.select_related("department", "site", "manager").get(user=ines)
    assert (ines.first_name, ines.last_name, ines.source) == ("Inès", "Roy", Source.LDAP)
    assert ines.directory_id == slapd.entry_uuid("ines") and not ines.has_usable_password()
    assert (profile.job_title, profile.phone) == ("Technicienne", "+33 4 00 00 00 01")
    assert (profile.department.name, profile.site.name) == ("Production", "Lyon")
    assert profile.manager.email == "marc.blanc@example.com"  # listed after her: found all the same
    assert profile.manager.profile.manager.email == "sophie.durand@example.com"
    assert profile.photo and profile.photo.size > 0
    assert DirectoryPhoto.objects.get(user=ines).sha256 == hashlib.sha256(PHOTO).hexdigest()
    entry = AdminLogEntry.objects.get(action="ldap_sync")
    assert entry.actor is None and entry.detail["created"] == 5


def test_a_second_sync_with_nothing_changed_writes_nothing(slapd, django_assert_max_num_queries):
    company(slapd)
    ldap_sync()
    photo = User.objects.get(email="ines.roy@example.com").profile.photo.name
    # Reading everyone once, the photos' hashes once, the run's and the log's rows: not per person.
    with django_assert_max_num_queries(8):
        run = ldap_sync()
    assert run.counts["unchanged"] == 5 and run.counts["entries"] == 5
    assert sum(run.counts[key] for key in ("created", "updated", "deactivated", "skipped")) == 0
    assert run.changes == [] and run.errors == []
    assert User.objects.get(email="ines.roy@example.com").profile.photo.name == photo  # not stored again


def test_a_changed_title_photo_and_manager_update_the_person(slapd):
    company(slapd)
    ldap_sync()
    with slapd.connection() as ldap:
        slapd.replace(ldap, "paul", title="Directeur financier", manager=slapd.dn("marc"))
        slapd.replace(ldap, "ines", jpegPhoto=spy_jpeg(size=(200, 200), colour=(10, 200, 10)))
    run = ldap_sync()
    assert run.counts["updated"] == 2 and run.counts["unchanged"] == 3
    assert sorted((c["email"], tuple(c["fields"])) for c in run.changes) == [
        ("ines.roy@example.com", ("photo",)),
        ("paul.henry@example.com", ("job_title", "manager")),
    ]
    paul = Profile.objects.get(user__email="paul.henry@example.com")
    assert paul.job_title == "Directeur financier" and paul.manager.email == "marc.blanc@example.com"


def test_a_removed_entry_deactivates_the_person_who_then_cannot_sign_in(slapd, client):
    company(slapd)
    ldap_sync()
    lea = User.objects.get(email="lea.morel@example.com")
    lea.set_password("correct-horse-battery")
    lea.save()
    with slapd.connection() as ldap:
        ldap.delete(slapd.dn("lea"))
    run = ldap_sync()
    assert run.counts["deactivated"] == 1 and run.counts["unchanged"] == 4
    assert run.changes == [
        {"action": "deactivated", "email": "lea.morel@example.com", "dn": "", "fields": ["active"]}
    ]
    lea.refresh_from_db()
    assert not lea.is_active and lea.deactivated_at is not None
    assert display_name(lea) == "Léa Morel (former colleague)"
    client.post("/accounts/login/", {"login": lea.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session


def test_an_administrator_invited_by_hand_is_never_deactivated(slapd, admin):
    company(slapd)
    run = ldap_sync()
    assert run.counts["deactivated"] == 0
    admin.refresh_from_db()
    assert admin.is_active and admin.source == Source.LOCAL


def test_an_entry_without_mail_is_skipped_and_reported_and_the_rest_applied(slapd):
    company(slapd)
    with slapd.connection() as ldap:
        slapd.add(ldap, "nomail", givenName="Sans", sn="Adresse")
        slapd.add(ldap, "badmail", mail="not-an-address", givenName="Mauvaise", sn="Adresse")
    out = io.StringIO()
    call_command("ldap_sync", stdout=out)
    run = SyncRun.objects.get()
    assert run.counts["created"] == 5 and run.counts["skipped"] == 2
    assert {(e["dn"], e["reason"]) for e in run.errors} == {
        (slapd.dn("nomail"), "no_email"),
        (slapd.dn("badmail"), "invalid_email"),
    }
    assert not User.objects.filter(first_name__in=["Sans", "Mauvaise"]).exists()
    assert f"{slapd.dn('nomail')}: no e-mail address" in out.getvalue()
    assert "7 entries read: 5 created, 0 updated, 0 deactivated, 0 unchanged, 2 skipped." in out.getvalue()


def test_a_dry_run_lists_the_changes_and_writes_nothing(slapd):
    company(slapd)
    ldap_sync()
    with slapd.connection() as ldap:
        slapd.replace(ldap, "marc", title="Responsable de production")
        ldap.delete(slapd.dn("lea"))
        slapd.add(ldap, "zoe", mail="zoe.petit@example.com", givenName="Zoé", sn="Petit")
    out = io.StringIO()
    call_command("ldap_sync", "--dry-run", stdout=out)
    run = SyncRun.objects.filter(dry_run=True).get()
    assert {(c["action"], c["email"]) for c in run.changes} == {
        ("updated", "marc.blanc@example.com"),
        ("deactivated", "lea.morel@example.com"),
        ("created", "zoe.petit@example.com"),
    }
    assert "updated      marc.blanc@example.com (job_title)" in out.getvalue()
    assert "Dry run, nothing written: 5 entries read: 1 created, 1 updated, 1 deactivated" in out.getvalue()
    assert not User.objects.filter(email="zoe.petit@example.com").exists()
    assert User.objects.get(email="lea.morel@example.com").is_active
    assert Profile.objects.get(user__email="marc.blanc@example.com").job_title == "Chef d'atelier"
    assert AdminLogEntry.objects.filter(action="ldap_sync").count() == 1  # the real run only


def test_a_directory_returning_nobody_is_refused_unless_forced(slapd, settings):
    company(slapd)
    ldap_sync()
    settings.LDAP_FILTER = "(objectClass=nothingLikeThis)"  # a wrong filter
    with pytest.raises(CommandError, match="fewer than half of the 5"):
        call_command("ldap_sync", stdout=io.StringIO())
    assert SyncRun.objects.first().status == "refused"
    assert User.objects.filter(source=Source.LDAP, is_active=True).count() == 5
    call_command("ldap_sync", "--force", stdout=io.StringIO())
    assert User.objects.filter(source=Source.LDAP, is_active=True).count() == 0


def test_a_wrong_bind_password_is_a_clear_error_and_changes_nothing(slapd, settings):
    company(slapd)
    ldap_sync()
    settings.LDAP_BIND_PASSWORD = "wrong"
    with pytest.raises(CommandError, match="refused the bind DN or its password"):
        call_command("ldap_sync", stdout=io.StringIO())
    run = SyncRun.objects.first()
    assert run.status == "failed" and run.counts["entries"] == 0 and "password" in run.message
    assert User.objects.filter(source=Source.LDAP, is_active=True).count() == 5


def test_the_administrators_page_shows_the_configuration_and_queues_a_dry_run(slapd, client, admin, alice):
    company(slapd)
    client.force_login(alice)
    assert client.get("/manage/ldap/").status_code == 403
    assert client.post("/manage/ldap/run/", {"dry_run": "1"}).status_code == 403
    assert not Task.objects.exists()
    client.force_login(admin)
    page = client.get("/manage/ldap/").content.decode()
    assert slapd.url in page and "ou=people,dc=example,dc=com" in page and "Dry run now" in page
    assert "directory-secret" not in page  # the password is never shown
    response = client.post("/manage/ldap/run/", {"dry_run": "1"}, follow=True)
    task = Task.objects.get()
    assert task.task_path == "ruche.ldap.tasks.ldap_sync_run"
    assert task.args_kwargs["kwargs"] == {"dry_run": True, "actor_id": admin.pk}
    run = SyncRun.objects.get()  # the eager worker ran it
    assert run.dry_run and run.requested_by == admin and run.counts["created"] == 5
    assert "The dry run is queued" in response.content.decode()
    assert "ines.roy@example.com" in response.content.decode()  # the report's changes
    assert not User.objects.filter(source=Source.LDAP).exists()


def test_a_changed_address_follows_the_same_person_by_their_entry_uuid(slapd):
    company(slapd)
    ldap_sync()
    paul = User.objects.get(email="paul.henry@example.com")
    with slapd.connection() as ldap:
        slapd.replace(ldap, "paul", mail="paul.henry-martin@example.com")
    run = ldap_sync()
    assert run.counts["updated"] == 1 and run.counts["created"] == run.counts["deactivated"] == 0
    paul.refresh_from_db()
    assert paul.email == "paul.henry-martin@example.com" and paul.is_active


def test_a_disabled_account_is_deactivated_and_comes_back_when_enabled(slapd, settings):
    settings.LDAP_ATTRIBUTES = {**settings.LDAP_ATTRIBUTES, "active": "employeeType"}
    company(slapd)
    ldap_sync()
    with slapd.connection() as ldap:
        slapd.replace(ldap, "marc", employeeType="disabled")
    run = ldap_sync()
    assert run.counts["deactivated"] == 1
    assert not User.objects.get(email="marc.blanc@example.com").is_active
    with slapd.connection() as ldap:
        slapd.replace(ldap, "marc", employeeType="staff")
    assert ldap_sync().changes == [
        {"action": "updated", "email": "marc.blanc@example.com", "dn": slapd.dn("marc"), "fields": ["active"]}
    ]
    assert User.objects.get(email="marc.blanc@example.com").is_active


def test_the_schedule_enqueues_the_sync_only_when_a_directory_is_configured(slapd, settings):
    from ruche.ldap.apps import _schedule

    settings.LDAP_URL = ""
    assert _schedule()() is False and not Task.objects.exists()
    settings.LDAP_URL = slapd.url
    settings.TASKS = {"default": {"BACKEND": "ruche.worker.backend.DatabaseBackend"}}  # queued, not run
    assert _schedule()() is True
    assert Task.objects.get().task_path == "ruche.ldap.tasks.ldap_sync_run"


def test_the_directory_settings_page_links_to_the_sync_page(client, admin):
    client.force_login(admin)
    assert 'href="/manage/ldap/"' in client.get("/manage/directory/").content.decode()


def test_without_a_directory_the_page_says_how_to_set_one_and_queues_nothing(client, admin, settings):
    settings.LDAP_URL = ""
    client.force_login(admin)
    assert "No directory is configured" in client.get("/manage/ldap/").content.decode()
    response = client.post("/manage/ldap/run/", {"sync": "1"}, follow=True)
    assert "set RUCHE_LDAP_URL first" in response.content.decode()
    assert not Task.objects.exists() and not SyncRun.objects.exists()
    with pytest.raises(CommandError, match="No directory is configured"):
        call_command("ldap_sync", stdout=io.StringIO())


def test_the_page_reads_french(slapd, client, admin):
    admin.language = "fr"
    admin.save()
    client.force_login(admin)
    page = client.get("/manage/ldap/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Synchronisation de l’annuaire LDAP" in page and "Simuler maintenant" in page


def test_a_sync_that_crashes_is_recorded_as_failed_and_raised_for_the_worker(slapd, monkeypatch):
    company(slapd)

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("ruche.ldap.services.person_provision", broken)
    with pytest.raises(RuntimeError):
        ldap_sync()
    run = SyncRun.objects.get()
    assert run.status == "failed" and run.message == "RuntimeError: disk full" and run.finished
    assert not User.objects.filter(source=Source.LDAP).exists()


def test_start_tls_refused_by_the_server_is_an_error_never_a_plain_text_sync(slapd, settings):
    company(slapd)
    settings.LDAP_START_TLS = True  # this slapd has no certificate: StartTLS must fail, loudly
    run = ldap_sync()
    assert run.status == "failed" and "could not be read" in run.message
    assert not User.objects.exists()


def test_a_second_entry_with_the_same_address_and_an_unknown_manager_are_reported(slapd):
    company(slapd)
    with slapd.connection() as ldap:
        slapd.add(ldap, "ines2", mail="ines.roy@example.com", givenName="Autre", sn="Inès")
        slapd.replace(ldap, "paul", manager="uid=ghost,ou=elsewhere,dc=example,dc=com")
    run = ldap_sync()
    reasons = {(e["dn"], e["reason"]) for e in run.errors}
    assert (slapd.dn("paul"), "manager_unknown") in reasons  # Paul is still created, without a manager
    assert run.counts["created"] == 5 and run.counts["skipped"] == 1
    duplicate = {slapd.dn("ines"), slapd.dn("ines2")} & {
        dn for dn, reason in reasons if reason == "duplicate_email"
    }
    assert len(duplicate) == 1
    assert Profile.objects.get(user__email="paul.henry@example.com").manager is None
