"""What a complete profile holds, and how far a profile is from it (pure logic, no queries).

The items are listed by usefulness: the first one missing is the next step suggested to the person.
A job title and skills are what colleagues search for; a face makes a name recognisable; the rest
places the person in the company.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

MIN_SKILLS = 3


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    hint: str
    field_id: str  # the id of the form field in the profile edit page (and the onboarding form)


ITEMS = (
    Item("job_title", _("Job title"), _("Say what you do, so colleagues with the same job find you."), "id_job_title"),
    Item("skills", _("At least 3 skills"), _("List three skills or more: people will ask you about them."), "id_skills"),
    Item("photo", _("Photo"), _("Add a photo: colleagues put a face to your name."), "id_photo"),
    Item("department", _("Department"), _("Choose your department."), "id_department"),
    Item("site", _("Site"), _("Choose the site where you work."), "id_site"),
    Item("manager", _("Manager"), _("Choose your manager, to appear in your team."), "id_manager"),
    Item("bio", _("About me"), _("Write a few words about yourself."), "id_bio"),
)  # fmt: skip
ITEM_KEYS = tuple(item.key for item in ITEMS)
BY_KEY = {item.key: item for item in ITEMS}


def done_items(profile, skill_count: int) -> set[str]:
    """The keys of what the profile already has."""
    done = {
        "photo": bool(profile.photo),
        "job_title": bool(profile.job_title),
        "department": profile.department_id is not None,
        "site": profile.site_id is not None,
        "manager": profile.manager_id is not None,
        "skills": skill_count >= MIN_SKILLS,
        "bio": bool(profile.bio),
    }
    return {key for key, ok in done.items() if ok}


@dataclass(frozen=True)
class Completeness:
    done: frozenset[str]

    @property
    def items(self) -> list[tuple[Item, bool]]:
        return [(item, item.key in self.done) for item in ITEMS]

    @property
    def missing(self) -> list[Item]:
        return [item for item in ITEMS if item.key not in self.done]

    @property
    def percent(self) -> int:
        return round(100 * len(self.done) / len(ITEMS))

    @property
    def is_complete(self) -> bool:
        return not self.missing

    @property
    def next_step(self) -> Item | None:
        missing = self.missing
        return missing[0] if missing else None


def completeness_of(profile, skill_count: int) -> Completeness:
    return Completeness(frozenset(done_items(profile, skill_count)))


# The same rules in SQL, for reports that aggregate over thousands of profiles in one query.


def skill_count_expression():
    """Number of skills of the profile in the outer query (a correlated subquery, no join fan-out)."""
    from ruche.accounts.models import Profile

    through = Profile.skills.through
    counted = (
        through.objects.filter(profile_id=OuterRef("pk"))
        .order_by()
        .values("profile_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def done_conditions() -> dict[str, Q]:
    """For each item, a condition on Profile rows (annotated with `skill_count`) that it is done."""
    return {
        "photo": ~Q(photo="") & Q(photo__isnull=False),
        "job_title": ~Q(job_title=""),
        "department": Q(department__isnull=False),
        "site": Q(site__isnull=False),
        "manager": Q(manager__isnull=False),
        "skills": Q(skill_count__gte=MIN_SKILLS),
        "bio": ~Q(bio=""),
    }


def as_int(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
