"""Profile completeness: the meter, the next step, the admin rules and the report by department."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ruche.accounts import selectors, services
from ruche.accounts.completeness import ITEM_KEYS, completeness_of
from ruche.accounts.models import Department, ProfileSettings, Site, User
from tests.accounts.profiles import fill, fresh, png

pytestmark = pytest.mark.django_db


def mandatory(*keys, by):
    return services.profile_settings_update(by=by, mandatory=list(keys))


# The meter


def test_an_empty_profile_is_at_zero_and_starts_with_the_job_title(alice):
    meter = selectors.own_completeness(alice)
    assert meter.percent == 0
    assert [item.key for item in meter.missing] == list(ITEM_KEYS)
    assert meter.next_step.key == "job_title" and meter.next_step.field_id == "id_job_title"
    assert not meter.is_complete


def test_each_item_counts_and_the_next_step_is_the_first_missing(alice, bruno):
    fill(alice, manager=bruno, photo=True)
    meter = selectors.own_completeness(alice)
    assert meter.percent == 100 and meter.is_complete and meter.next_step is None and meter.missing == []
    services.profile_update(profile=fresh(alice), by=alice, job_title="", bio="")
    meter = selectors.own_completeness(alice)
    assert meter.percent == round(500 / 7)
    assert [item.key for item in meter.missing] == ["job_title", "bio"]
    assert meter.next_step.key == "job_title"


def test_skills_count_from_three(alice):
    fill(alice, skills=["Lean", "Excel"], job_title="")
    meter = selectors.own_completeness(alice)
    assert "skills" not in meter.done
    services.profile_update(profile=fresh(alice), by=alice, skills=["Lean", "Excel", "SMED"])
    assert "skills" in selectors.own_completeness(alice).done


def test_own_completeness_is_one_query_and_keeps_the_profile_for_the_page(alice, django_assert_num_queries):
    user = User.objects.get(pk=alice.pk)
    with django_assert_num_queries(1):
        selectors.own_completeness(user)
        assert user.profile.job_title == ""  # cached: the avatar of the page header asks for nothing more


def test_loaded_completeness_needs_no_query(alice, bruno, django_assert_num_queries):
    fill(alice, manager=bruno)
    person = selectors.profile_of(alice, alice.handle)
    with django_assert_num_queries(0):
        meter = selectors.loaded_completeness(person)
    assert meter.percent == round(600 / 7) and meter.next_step.key == "photo"


def test_pure_computation_matches_the_rules(alice):
    profile = fresh(alice)
    profile.job_title, profile.bio = "Acheteuse", "Bonjour"
    assert completeness_of(profile, 2).done == {"job_title", "bio"}
    assert completeness_of(profile, 3).done == {"job_title", "bio", "skills"}


# The admin setting


def test_only_admins_change_the_profile_rules(alice, admin):
    with pytest.raises(PermissionDenied):
        mandatory("job_title", by=alice)
    assert ProfileSettings.current().mandatory == []
    rules = mandatory("skills", "job_title", by=admin)
    assert rules.mandatory == ["job_title", "skills"]  # in the order of the items


def test_saved_rules_replace_the_cached_ones_after_commit(admin, django_capture_on_commit_callbacks):
    assert ProfileSettings.current().mandatory == []
    with django_capture_on_commit_callbacks(execute=True):
        first = mandatory("photo", by=admin)
    assert ProfileSettings.current().mandatory == ["photo"]
    with django_capture_on_commit_callbacks(execute=True):
        second = mandatory(by=admin)
    assert second.version == first.version + 1
    assert ProfileSettings.current().mandatory == []


def test_unknown_rule_is_refused(admin):
    with pytest.raises(ValidationError):
        mandatory("shoe_size", by=admin)
    assert ProfileSettings.current().mandatory == []


def test_policies(alice, admin):
    from ruche.accounts import policies

    assert policies.can_manage_profile_settings(admin) and not policies.can_manage_profile_settings(alice)
    assert policies.can_view_completeness_report(admin) and not policies.can_view_completeness_report(alice)
    assert policies.can_view_completeness(alice, alice) and not policies.can_view_completeness(admin, alice)


# Mandatory fields hold on the profile too


def test_a_mandatory_field_cannot_be_emptied_by_its_owner(alice, admin, django_capture_on_commit_callbacks):
    fill(alice)
    with django_capture_on_commit_callbacks(execute=True):
        mandatory("job_title", "skills", by=admin)
    with pytest.raises(ValidationError) as error:
        services.profile_update(
            profile=fresh(alice), by=alice, job_title="  ", skills=["Lean", "lean", "LÉAN"]
        )
    assert set(error.value.message_dict) == {"job_title", "skills"}
    assert "you gave 1" in error.value.message_dict["skills"][0]
    assert fresh(alice).job_title == "Auditrice"
    services.profile_update(profile=fresh(alice), by=alice, phone="0102")  # other fields stay free
    services.profile_update(profile=fresh(alice), by=admin, job_title="")  # an admin fixing a profile may


def test_a_mandatory_photo_can_be_replaced_not_removed_by_its_owner(
    alice, admin, django_capture_on_commit_callbacks
):
    fill(alice, photo=True)
    with django_capture_on_commit_callbacks(execute=True):
        mandatory("photo", by=admin)
    with pytest.raises(ValidationError):
        services.profile_remove_photo(profile=fresh(alice), by=alice)
    assert fresh(alice).photo
    services.profile_remove_photo(profile=fresh(alice), by=admin)  # an admin removes an unsuitable one
    assert not fresh(alice).photo


# Onboarding service


def test_onboarding_saves_everything_at_once(alice, bruno, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mandatory(*ITEM_KEYS, by=admin)
    department = Department.objects.create(name="Achats")
    site = Site.objects.create(name="Lyon")
    services.profile_onboard(
        profile=fresh(alice), by=alice, photo=png(), skills=["Lean", "Excel", "SMED"], job_title="Acheteuse",
        department=department, site=site, manager=bruno, bio="Bonjour",
    )  # fmt: skip
    assert selectors.missing_mandatory(alice, ProfileSettings.current().mandatory) == []
    assert selectors.own_completeness(alice).is_complete


def test_onboarding_reports_every_problem_and_saves_nothing(alice, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        mandatory("photo", "job_title", "skills", by=admin)
    bad = SimpleUploadedFile("me.png", b"not an image", content_type="image/png")
    with pytest.raises(ValidationError) as error:
        services.profile_onboard(
            profile=fresh(alice), by=alice, photo=bad, skills=["Lean"], job_title="Acheteuse"
        )
    assert set(error.value.message_dict) == {"photo", "skills"}
    profile = fresh(alice)
    assert profile.job_title == "" and not profile.photo and profile.skills.count() == 0


def test_onboarding_refuses_to_leave_a_mandatory_item_missing(
    alice, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mandatory("photo", "job_title", by=admin)
    with pytest.raises(ValidationError) as error:
        services.profile_onboard(profile=fresh(alice), by=alice, job_title="Acheteuse")
    assert set(error.value.message_dict) == {"photo"}
    assert fresh(alice).job_title == ""


def test_nobody_onboards_someone_else(alice, admin):
    with pytest.raises(PermissionDenied):
        services.profile_onboard(profile=fresh(alice), by=admin, job_title="Acheteuse")


# Report by department


def test_report_by_department_aggregates(make_user, alice, bruno, admin):
    fill(alice, manager=bruno, photo=True, department="Qualité")  # complete
    fill(bruno, department="Qualité", bio="", skills=["Lean"])  # no photo, manager, bio, skills: 3/7
    carla = make_user("Carla", "Nunes")
    fill(carla, department="Achats", job_title="")
    make_user("Sans", "Service")  # no department at all: 0/7 (admin too)
    invited = services.user_invite(invited_by=admin, email="x@example.com", first_name="X", last_name="Y",
                                   department="Achats", send=False)  # fmt: skip
    assert invited.activated_at is None  # not counted: cannot have completed anything yet
    rows = {row.name: row for row in selectors.completeness_by_department()}
    assert list(rows) == ["Achats", "Qualité", None]
    quality = rows["Qualité"]
    assert quality.people == 2 and quality.complete_share == 50
    assert quality.average == round(100 * (7 + 3) / 14)
    assert quality.most_missing.key == "skills" and quality.most_missing_count == 1  # ties: the first item
    achats = rows["Achats"]
    assert achats.people == 1 and achats.complete_share == 0 and achats.most_missing.key == "job_title"
    assert rows[None].people == 2 and rows[None].average == 0


@pytest.mark.parametrize("n", [3, 12])
def test_report_is_one_query_whatever_the_size(make_user, n, django_assert_num_queries):
    for i in range(n):
        person = make_user("Personne", f"N{i}")
        fill(person, department=f"Service {i % 5}", skills=[f"S{j}" for j in range(i % 4)])
    with django_assert_num_queries(1):
        rows = selectors.completeness_by_department()
    assert sum(row.people for row in rows) == n
