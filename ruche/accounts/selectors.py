"""Reads about people: profile pages, the directory, mention autocomplete."""

from django.core.paginator import Paginator
from django.http import Http404

from ruche.accounts.models import Department, Follow, Site, Skill, User
from ruche.core.text import fold

DIRECTORY_PAGE_SIZE = 48
PERSON = ("profile", "profile__department", "profile__site")


def profile_of(viewer, handle: str) -> User:
    person = (
        User.objects.select_related(*PERSON, "profile__manager")
        .prefetch_related("profile__skills")
        .filter(handle=handle)
        .first()
    )
    if person is None:
        raise Http404
    person.reports_list = list(
        User.objects.filter(profile__manager=person, is_active=True)
        .select_related(*PERSON)
        .order_by("last_name")
    )
    person.is_followed = (
        viewer.is_authenticated and Follow.objects.filter(follower=viewer, followed=person).exists()
    )
    person.following_count = Follow.objects.filter(follower=person).count()
    return person


def directory(*, name: str = "", department: int | None = None, site: int | None = None,
              skill: int | None = None, page: int = 1):  # fmt: skip
    """The trombinoscope: activated and invited colleagues, filtered, by name."""
    people = User.objects.filter(is_active=True).select_related(*PERSON)
    for word in fold(name).split()[:4]:
        people = people.filter(search_text__contains=word)
    if department:
        people = people.filter(profile__department_id=department)
    if site:
        people = people.filter(profile__site_id=site)
    if skill:
        people = people.filter(profile__skills=skill)
    people = people.order_by("last_name", "first_name", "id")
    return Paginator(people, DIRECTORY_PAGE_SIZE).get_page(page)


def directory_filters() -> dict:
    return {
        "departments": list(Department.objects.all()),
        "sites": list(Site.objects.all()),
        "skills": list(Skill.objects.filter(profiles__isnull=False).distinct().order_by("name")[:200]),
    }


def people_suggestions(prefix: str, limit: int = 8) -> list[User]:
    """Mention autocomplete: people with a word of their name or handle starting with what is typed.
    The people search index answers (folded, prefix-indexed: no scan of the people table); the
    best-matching few are then ordered by how followed they are."""
    from ruche.search.selectors import people_prefix

    ids = people_prefix(prefix[:60], limit=limit * 5)
    if not ids:
        return []
    return list(
        User.objects.filter(pk__in=ids, is_active=True, activated_at__isnull=False)
        .select_related("profile")
        .order_by("-follower_count", "last_name")[:limit]
    )


def skill_suggestions(prefix: str, limit: int = 10) -> list[Skill]:
    key = fold(prefix.strip())[:60]
    if not key:
        return []
    from ruche.search.selectors import prefix_q

    return list(Skill.objects.filter(prefix_q("key", key)).order_by("key")[:limit])


def followers_of(person: User) -> list[User]:
    return list(
        User.objects.filter(following_set__followed=person, is_active=True)
        .select_related(*PERSON)
        .order_by("last_name")
    )
