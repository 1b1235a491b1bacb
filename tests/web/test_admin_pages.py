"""The administrators' own pages (/manage/...): departments and sites, roles, directory settings, the
people list's actions and the administrators' log. Refusals are translated, change nothing, and
every change is in the log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from ruche.accounts import services
from ruche.accounts.models import AdminLogEntry, Department, DirectorySettings, Site, Source, User
from ruche.announcements.models import Announcement
from ruche.communities.models import Membership
from ruche.communities.services import community_create, rule_add
from ruche.ideas.models import InnovationManager
from ruche.web.services import role_set
from tests.core.i18n import in_french

pytestmark = pytest.mark.django_db

PAGES = [
    "/manage/departments/",
    "/manage/sites/",
    "/manage/roles/",
    "/manage/directory/",
    "/manage/log/",
]


def actions() -> list[str]:
    return list(AdminLogEntry.objects.order_by("pk").values_list("action", flat=True))


def in_fr(message: str, **values) -> str:
    """As the page shows it: HTML-escaped quotes and apostrophes."""
    from django.utils.html import escape

    return escape(in_french(message, **values))


@pytest.fixture
def as_admin(client, admin):
    client.force_login(admin)
    return client


@pytest.fixture
def in_french_admin(as_admin, admin):
    admin.language = "fr"
    admin.save(update_fields=["language"])
    return as_admin


# Who may open the pages ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_are_for_administrators_only(client, admin, alice, path):
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(alice)
    assert client.get(path).status_code == 403
    assert client.post(path, {"name": "Intrus", "action": "give"}).status_code == 403
    client.force_login(admin)
    assert client.get(path).status_code == 200
    assert not AdminLogEntry.objects.exists() and not Department.objects.filter(name="Intrus").exists()


def test_one_unit_page_is_for_administrators_and_404_when_missing(client, admin, alice):
    unit = Department.objects.create(name="Achats")
    client.force_login(alice)
    assert client.get(f"/manage/departments/{unit.pk}/").status_code == 403
    assert client.post(f"/manage/departments/{unit.pk}/", {"action": "delete"}).status_code == 403
    assert Department.objects.filter(pk=unit.pk).exists()
    client.force_login(admin)
    assert client.get(f"/manage/departments/{unit.pk}/").status_code == 200
    assert client.get(f"/manage/sites/{unit.pk + 1000}/").status_code == 404


def test_the_dashboard_links_to_each_page(as_admin):
    page = as_admin.get("/manage/").content.decode()
    for path in PAGES:
        assert f'href="{path}"' in page


# Departments and sites ----------------------------------------------------------------------------


def test_the_list_counts_people(as_admin, person):
    rnd, sales = Department.objects.create(name="R&D"), Department.objects.create(name="Ventes")
    person("Zoé", department=rnd), person("Yann", department=rnd), person("Xavier", department=sales)
    page = as_admin.get("/manage/departments/")
    counted = {unit.name: unit.people for unit in page.context["units"]}
    assert counted == {"R&D": 2, "Ventes": 1}


def test_an_administrator_creates_a_department_and_a_site(as_admin, admin):
    response = as_admin.post("/manage/departments/", {"name": "  Service   juridique "}, follow=True)
    assert response.status_code == 200 and Department.objects.filter(name="Service juridique").exists()
    as_admin.post("/manage/sites/", {"name": "Brest"})
    assert Site.objects.filter(name="Brest").exists()
    entry = AdminLogEntry.objects.get(action="department_create")
    assert entry.actor == admin and entry.target == "Service juridique"
    assert actions() == ["department_create", "site_create"]


@pytest.mark.parametrize(
    ("name", "message"), [("", "This field is required."), ("achats", "This name is already used.")]
)
def test_a_bad_name_is_refused_in_the_admins_language_and_nothing_is_made(in_french_admin, name, message):
    Department.objects.create(name="Achats")
    response = in_french_admin.post("/manage/departments/", {"name": name})
    assert response.status_code == 400
    assert in_fr(message) in response.content.decode()
    assert Department.objects.count() == 1 and not AdminLogEntry.objects.exists()


def test_a_too_long_or_blank_name_is_refused_by_the_service(admin):
    with pytest.raises(ValidationError) as refused:
        services.org_unit_create(model=Site, name="   ", by=admin)
    assert "name" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.org_unit_create(model=Site, name="x" * 121, by=admin)
    assert not Site.objects.exists()


def test_only_an_administrator_may_use_the_services(alice):
    unit = Department.objects.create(name="Achats")
    with pytest.raises(PermissionDenied):
        services.org_unit_create(model=Department, name="Ventes", by=alice)
    with pytest.raises(PermissionDenied):
        services.org_unit_delete(unit=unit, by=alice)
    with pytest.raises(PermissionDenied):
        services.org_unit_rename(unit=unit, name="Ventes", by=alice)
    assert list(Department.objects.values_list("name", flat=True)) == ["Achats"]


def test_rename_keeps_the_people_and_is_logged(as_admin, person):
    unit = Department.objects.create(name="Achats")
    zoe = person("Zoé", department=unit)
    response = as_admin.post(f"/manage/departments/{unit.pk}/", {"action": "rename", "name": "Sourcing"})
    assert response.status_code == 302
    zoe.profile.refresh_from_db()
    assert zoe.profile.department.name == "Sourcing"
    entry = AdminLogEntry.objects.get()
    assert (entry.action, entry.target, entry.detail) == (
        "department_rename",
        "Sourcing",
        {"previous": "Achats"},
    )


def test_rename_to_another_units_name_is_refused(in_french_admin):
    unit, _other = Site.objects.create(name="Lyon"), Site.objects.create(name="Brest")
    response = in_french_admin.post(f"/manage/sites/{unit.pk}/", {"action": "rename", "name": "BREST"})
    assert response.status_code == 400 and in_fr("This name is already used.") in response.content.decode()
    unit.refresh_from_db()
    assert unit.name == "Lyon" and not AdminLogEntry.objects.exists()


def test_merge_moves_the_people_rules_and_audiences(as_admin, admin, person, side_effects):
    old, into = Department.objects.create(name="Achat"), Department.objects.create(name="Achats")
    zoe, yann = person("Zoé", department=old), person("Yann", department=into)
    community = community_create(by=admin, name="Acheteurs")
    rule_add(community=community, by=admin, department=old)
    assert Membership.objects.filter(community=community, user=zoe).exists()
    assert not Membership.objects.filter(community=community, user=yann).exists()
    both = Announcement.objects.create(author=admin, title="Both", body="x")
    both.departments.set([old, into])
    only_old = Announcement.objects.create(author=admin, title="Old", body="x")
    only_old.departments.set([old])

    with side_effects():
        response = as_admin.post(f"/manage/departments/{old.pk}/", {"action": "merge", "into": into.pk})

    assert response.status_code == 302
    assert not Department.objects.filter(pk=old.pk).exists()
    zoe.profile.refresh_from_db()
    assert zoe.profile.department == into
    assert list(community.rules.values_list("department", flat=True)) == [into.pk]
    # Yann, already in the department merged into, now falls under the rule that moved.
    assert Membership.objects.filter(community=community, user=yann).exists()
    assert list(both.departments.all()) == [into] and list(only_old.departments.all()) == [into]
    entry = AdminLogEntry.objects.get()
    assert entry.action == "department_merge" and entry.detail == {"merged": "Achat", "people": 1}


def test_merge_into_itself_or_another_kind_is_refused(admin):
    unit, site = Department.objects.create(name="Achats"), Site.objects.create(name="Lyon")
    with pytest.raises(ValidationError) as refused:
        services.org_unit_merge(unit=unit, into=unit, by=admin)
    assert "into" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.org_unit_merge(unit=unit, into=site, by=admin)
    assert Department.objects.filter(pk=unit.pk).exists() and not AdminLogEntry.objects.exists()


def test_merge_without_a_choice_is_a_form_error(in_french_admin):
    unit = Department.objects.create(name="Achats")
    response = in_french_admin.post(f"/manage/departments/{unit.pk}/", {"action": "merge", "into": ""})
    assert response.status_code == 400 and in_fr("This field is required.") in response.content.decode()
    assert Department.objects.filter(pk=unit.pk).exists()


def test_an_empty_unit_is_deleted(as_admin):
    unit = Site.objects.create(name="Brest")
    assert as_admin.post(f"/manage/sites/{unit.pk}/", {"action": "delete"}).status_code == 302
    assert not Site.objects.exists()
    assert AdminLogEntry.objects.get().action == "site_delete"


def test_a_unit_with_people_is_not_deleted(in_french_admin, person):
    unit = Department.objects.create(name="Achats")
    person("Zoé", department=unit)
    response = in_french_admin.post(f"/manage/departments/{unit.pk}/", {"action": "delete"})
    assert response.status_code == 400
    with translation.override("fr"):
        expected = translation.ngettext(
            "%(name)s still has %(n)d person: merge it into another one instead.",
            "%(name)s still has %(n)d people: merge it into another one instead.",
            1,
        ) % {"name": "Achats", "n": 1}
    assert expected != "Achats still has 1 person: merge it into another one instead."
    assert expected in response.content.decode()
    assert Department.objects.filter(pk=unit.pk).exists() and not AdminLogEntry.objects.exists()


def test_a_unit_named_by_a_membership_rule_is_not_deleted(admin):
    unit = Site.objects.create(name="Brest")
    community = community_create(by=admin, name="Brestois")
    rule_add(community=community, by=admin, site=unit)
    with pytest.raises(ValidationError):
        services.org_unit_delete(unit=unit, by=admin)
    assert Site.objects.filter(pk=unit.pk).exists() and community.rules.exists()


# Roles --------------------------------------------------------------------------------------------


def test_the_roles_page_lists_each_roles_holders(as_admin, admin, alice, bruno):
    User.objects.filter(pk=alice.pk).update(is_announcer=True)
    InnovationManager.objects.create(user=bruno)
    roles = {role.key: role.holders for role in as_admin.get("/manage/roles/").context["roles"]}
    assert roles["is_staff"] == [admin]
    assert roles["is_announcer"] == [alice]
    assert roles["innovation_manager"] == [bruno]
    assert roles["is_analyst"] == [] and roles["is_animator"] == []


@pytest.mark.parametrize("role", ["is_staff", "is_announcer", "is_animator", "is_analyst"])
def test_an_administrator_gives_and_takes_a_role(as_admin, alice, role):
    response = as_admin.post("/manage/roles/", {"action": "give", "role": role, "person": f"@{alice.handle}"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert getattr(alice, role)
    as_admin.post("/manage/roles/", {"action": "take", "role": role, "handle": alice.handle})
    alice.refresh_from_db()
    assert not getattr(alice, role)
    assert actions() == ["role_give", "role_take"]
    assert [e.detail for e in AdminLogEntry.objects.order_by("pk")] == [{"role": role}] * 2


def test_innovation_managers_are_given_and_taken_on_the_same_page(as_admin, alice):
    as_admin.post("/manage/roles/", {"action": "give", "role": "innovation_manager", "person": alice.handle})
    assert InnovationManager.objects.filter(user=alice).exists()
    as_admin.post("/manage/roles/", {"action": "take", "role": "innovation_manager", "handle": alice.handle})
    assert not InnovationManager.objects.exists()
    assert actions() == ["role_give", "role_take"]


def test_nobody_changes_their_own_roles(in_french_admin, admin):
    response = in_french_admin.post(
        "/manage/roles/", {"action": "take", "role": "is_staff", "handle": admin.handle}
    )
    assert response.status_code == 400
    assert in_fr("Nobody changes their own roles: ask another administrator.") in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_staff and not AdminLogEntry.objects.exists()


def test_an_unknown_person_or_role_is_refused(in_french_admin):
    response = in_french_admin.post(
        "/manage/roles/", {"action": "give", "role": "is_staff", "person": "nobody"}
    )
    assert response.status_code == 400
    assert in_fr("No active colleague has this handle: pick one from the list.") in response.content.decode()
    response = in_french_admin.post("/manage/roles/", {"action": "take", "role": "pope", "handle": "nobody"})
    assert response.status_code == 400
    assert not AdminLogEntry.objects.exists() and User.objects.filter(is_staff=True).count() == 1


def test_the_last_administrator_is_kept(admin, alice, make_user):
    """Two administrators removing each other at the same moment: the second one's request still
    holds an administrator (itself, as it was read), but the company would be left with none."""
    other = make_user("Otto", "Admin", staff=True)
    stale_admin = User.objects.get(pk=admin.pk)
    services.user_set_roles(user=admin, by=other, is_staff=False)
    with pytest.raises(ValidationError) as refused:
        services.user_set_roles(user=other, by=stale_admin, is_staff=False)
    assert "is_staff" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.user_deactivate(user=other, by=stale_admin)
    assert "is_active" in refused.value.message_dict
    other.refresh_from_db()
    assert other.is_staff and other.is_active
    # Another role of the last administrator may still change.
    services.user_set_roles(user=other, by=stale_admin, is_analyst=True)


def test_roles_and_people_services_are_logged(admin, alice):
    services.user_set_roles(user=alice, by=admin, is_analyst=True, is_announcer=False)  # one change
    services.user_deactivate(user=alice, by=admin)
    services.user_reactivate(user=alice, by=admin)
    invited = services.user_invite(
        email="new@example.com", first_name="Nina", last_name="Neuve", invited_by=admin
    )
    services.invitation_resend(user=invited, by=admin)
    assert actions() == [
        "role_give",
        "user_deactivate",
        "user_reactivate",
        "user_invite",
        "invitation_resend",
    ]
    assert set(AdminLogEntry.objects.values_list("actor", flat=True)) == {admin.pk}
    assert AdminLogEntry.objects.get(action="user_invite").target_user == invited


# Directory settings -------------------------------------------------------------------------------


def test_directory_settings_are_saved_logged_and_read_fresh(as_admin, django_capture_on_commit_callbacks):
    assert DirectorySettings.current().scim_groups_as == "departments"  # cached now
    form = {
        "sso_provision_unknown": "on",
        "scim_groups_as": "communities",
        "erasure_keeps_contributions": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert as_admin.post("/manage/directory/", form).status_code == 302
    current = DirectorySettings.current()
    assert current.scim_groups_as == "communities" and current.sso_provision_unknown
    entry = AdminLogEntry.objects.get()
    assert entry.action == "directory_settings_change"
    assert set(entry.detail["changes"]) == {"sso_provision_unknown", "scim_groups_as"}


def test_a_bad_directory_setting_changes_nothing(in_french_admin):
    response = in_french_admin.post("/manage/directory/", {"scim_groups_as": "teams"})
    assert response.status_code == 400
    assert not DirectorySettings.objects.exists() and not AdminLogEntry.objects.exists()
    message = "Select a valid choice. %(value)s is not one of the available choices."
    assert in_fr(message, value="teams") in response.content.decode()


def test_the_environments_connections_are_shown_without_secrets(as_admin, settings):
    settings.LDAP_URL = "ldaps://reader:s3cret-pass@ldap.example.com:636"
    settings.LDAP_BASE_DN = "ou=people,dc=example,dc=com"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "company",
                    "client_id": "ruche",
                    "secret": "oidc-client-s3cret",
                    "settings": {"server_url": "https://idp.example.com/realms/acme"},
                }
            ]
        }
    }
    page = as_admin.get("/manage/directory/").content.decode()
    assert "ldaps://ldap.example.com:636" in page and "ou=people,dc=example,dc=com" in page
    assert "https://idp.example.com/realms/acme" in page
    assert "s3cret" not in page


def test_links_to_pages_not_built_yet_are_hidden():
    from ruche.web.views import _link_if_built

    assert _link_if_built("manage_roles") == "/manage/roles/"
    assert _link_if_built("no-such:page") is None


# People -------------------------------------------------------------------------------------------


def test_the_people_list_filters_those_kept_by_a_directory(as_admin, alice, bruno):
    User.objects.filter(pk=bruno.pk).update(source=Source.SCIM)
    page = as_admin.get("/people/admin/?state=directory")
    assert [p.pk for p in page.context["people"]] == [bruno.pk]
    assert page.context["counts"]["directory"] == 1


def test_deactivation_is_confirmed_first_then_reactivation_and_resend_work_from_the_list(
    as_admin, alice, admin
):
    people = as_admin.get("/people/admin/").content.decode()
    confirm = f"/manage/people/{alice.handle}/deactivate/"
    assert confirm in people
    assert as_admin.get(confirm).status_code == 200
    alice.refresh_from_db()
    assert alice.is_active  # a GET asks, never does
    assert as_admin.post(confirm, {"next": "/people/admin/?state=activated"})["Location"] == (
        "/people/admin/?state=activated"
    )
    alice.refresh_from_db()
    assert not alice.is_active
    former = as_admin.get("/people/admin/?state=deactivated").content.decode()
    assert f"/people/{alice.handle}/active/" in former
    as_admin.post(f"/people/{alice.handle}/active/", {"active": "1"})
    alice.refresh_from_db()
    assert alice.is_active
    invited = services.user_invite(
        email="new@example.com", first_name="Nina", last_name="Neuve", invited_by=admin
    )
    assert (
        f"/people/{invited.handle}/invite-again/"
        in as_admin.get("/people/admin/?state=invited").content.decode()
    )
    as_admin.post(f"/people/{invited.handle}/invite-again/")
    assert actions() == ["user_deactivate", "user_reactivate", "user_invite", "invitation_resend"]


def test_nobody_deactivates_themselves_from_the_confirmation_page(as_admin, admin):
    assert as_admin.get(f"/manage/people/{admin.handle}/deactivate/").status_code == 403
    assert as_admin.post(f"/manage/people/{admin.handle}/deactivate/").status_code == 403


# The log ------------------------------------------------------------------------------------------


def test_the_log_shows_entries_newest_first_translated_and_filtered(
    in_french_admin, admin, alice, django_assert_max_num_queries
):
    services.user_set_roles(user=alice, by=admin, is_analyst=True)
    services.org_unit_create(model=Department, name="Achats", by=admin)
    with django_assert_max_num_queries(8):
        page = in_french_admin.get("/manage/log/")
    entries = list(page.context["page"])
    assert [e.action for e in entries] == ["department_create", "role_give"]
    html = page.content.decode()
    assert in_fr("Department created") in html and in_fr("Role given") in html and in_fr("Analyst") in html
    filtered = in_french_admin.get("/manage/log/?action=role_give").context["page"]
    assert [e.action for e in filtered] == ["role_give"]
    assert len(in_french_admin.get("/manage/log/?action=<script>").context["page"]) == 2  # unknown: all


def test_the_log_is_paged_by_keyset(admin):
    from ruche.web.selectors import admin_log_page

    for n in range(5):
        services.org_unit_create(model=Site, name=f"Site {n}", by=admin)
    first = admin_log_page(size=3)
    second = admin_log_page(size=3, before=first.next_cursor)
    assert [e.target for e in first] == ["Site 4", "Site 3", "Site 2"]
    assert [e.target for e in second] == ["Site 1", "Site 0"] and second.next_cursor is None


# Django's admin, for support ----------------------------------------------------------------------


@pytest.mark.parametrize("model", ["directorysettings", "signin", "adminlogentry", "department", "site"])
def test_djangos_admin_shows_the_directory_models_read_mostly(client, make_user, admin, model):
    support = make_user("Sam", "Support", staff=True, is_superuser=True)
    services.org_unit_create(model=Department, name="Achats", by=admin)
    client.force_login(support)
    assert client.get(f"/admin/accounts/{model}/").status_code == 200
    # Made in Ruche's own pages only, where they are checked and logged.
    assert client.get(f"/admin/accounts/{model}/add/").status_code == 403


def test_role_set_refuses_an_unknown_role_and_oneself(admin, alice):
    with pytest.raises(ValidationError) as refused:
        role_set(user=alice, by=admin, role="is_superuser", on=True)
    assert "role" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        role_set(user=admin, by=admin, role="innovation_manager", on=True)
    assert "person" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        role_set(user=admin, by=alice, role="is_analyst", on=True)
    alice.refresh_from_db()
    assert (
        not alice.is_superuser
        and not InnovationManager.objects.exists()
        and not AdminLogEntry.objects.exists()
    )


@pytest.mark.parametrize(("path", "most"), [("/manage/roles/", 9), ("/manage/departments/", 5)])
def test_the_lists_cost_the_same_queries_for_many_people(
    as_admin, person, make_user, path, most, django_assert_max_num_queries
):
    units = [Department.objects.create(name=f"Service {n}") for n in range(5)]
    for n in range(12):
        someone = person(f"P{n}", department=units[n % 5], is_analyst=True, is_announcer=n % 2 == 0)
        InnovationManager.objects.create(user=someone)
    with django_assert_max_num_queries(most):
        assert as_admin.get(path).status_code == 200


def test_every_logged_action_and_role_reads_french():
    from ruche.accounts.admin_actions import ACTIONS, ROLES

    for label in [*ACTIONS.values(), *ROLES.values()]:
        in_french(str(label))


def test_the_log_says_what_each_entry_did(admin, alice):
    from ruche.accounts.admin_actions import describe

    services.org_unit_rename(unit=Department.objects.create(name="Achat"), name="Achats", by=admin)
    services.admin_log(actor=admin, action="person_erase", target_user=alice, kept_contributions=True)
    services.admin_log(actor=None, action="ldap_sync", target="LDAP", message="3 created, 1 deactivated")
    with translation.override("en"):
        assert [describe(e) for e in AdminLogEntry.objects.order_by("pk")] == [
            "formerly “Achat”",
            "contributions kept, signed by a former colleague",
            "3 created, 1 deactivated",
        ]
