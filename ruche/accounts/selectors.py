"""Reads about people: profile pages, the directory, mention autocomplete."""

from collections import Counter, deque
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Q, Subquery, Sum
from django.http import Http404

from ruche.accounts.completeness import (
    BY_KEY,
    ITEM_KEYS,
    Completeness,
    Item,
    as_int,
    completeness_of,
    done_conditions,
    done_items,
    skill_count_expression,
)
from ruche.accounts.models import PEOPLE, Department, Follow, Profile, Site, Skill, Source, User
from ruche.core.hooks import Hook
from ruche.core.lookups import prefix_q
from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared
from ruche.core.text import fold

DIRECTORY_PAGE_SIZE = 48

# Ids of active people with a word of their name or handle starting with the words typed, most
# relevant first: the people search index answers it (provided by ruche.search).
people_matching: Hook[..., list[int]] = Hook("accounts.people_matching")
# The active person a personal token's secret opens, or None: the personal tokens live in ruche.api
# (which provides this), and ruche.mastodon, its sibling, accepts them too without importing it.
personal_token_owner: Hook[[str], User | None] = Hook("accounts.personal_token_owner")
PERSON = ("profile", "profile__department", "profile__site")


def access_person(viewer, handle: str) -> User:
    """The colleague `handle` (profile loaded); Http404 alike for a handle nobody has and for a
    viewer who is not a signed-in colleague, so the answer says nothing more to one than the other."""
    person = None
    if viewer.is_authenticated and viewer.is_active:
        person = User.objects.select_related("profile").filter(handle=handle).first()
    if person is None:
        raise Http404
    return person


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
    """The trombinoscope: colleagues who activated their account (someone invited is not one yet:
    administrators follow them on the invitations page), filtered, by name."""
    people = (
        User.objects.filter(PEOPLE, is_active=True, activated_at__isnull=False)
        .select_related(*PERSON)
        .prefetch_related("profile__skills")
    )
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
    ids = people_matching(prefix[:60], limit=limit * 5)
    if not ids:
        return []
    return list(
        User.objects.filter(PEOPLE, pk__in=ids, is_active=True, activated_at__isnull=False)
        .select_related("profile")
        .order_by("-follower_count", "last_name")[:limit]
    )


def skill_suggestions(prefix: str, limit: int = 10) -> list[Skill]:
    key = fold(prefix.strip())[:60]
    if not key:
        return []
    return list(Skill.objects.filter(prefix_q("key", key)).order_by("key")[:limit])


def followers_of(person: User) -> list[User]:
    return list(
        User.objects.filter(PEOPLE, following_set__followed=person, is_active=True)
        .select_related(*PERSON)
        .order_by("last_name")
    )


# Profile completeness


@prepared("person")
def _profile_with_skill_count(person):
    return Profile.objects.annotate(skill_count=skill_count_expression()).filter(pk=person.pk)


def own_completeness(user: User) -> Completeness | None:
    """The person's own meter: one query, and the page header's avatar reuses the profile it loads.

    None for an account without a profile (a superuser made by `createsuperuser`).
    """
    profile = next(iter(_profile_with_skill_count(person=user)), None)
    if profile is None:
        return None
    user.profile = profile
    return completeness_of(profile, profile.skill_count)


def loaded_completeness(person: User) -> Completeness | None:
    """The meter of a person loaded by `profile_of` (skills prefetched): no query."""
    try:
        profile = person.profile
    except Profile.DoesNotExist:
        return None
    return completeness_of(profile, len(profile.skills.all()))


def missing_mandatory(user: User, mandatory: list[str]) -> list[str]:
    """The mandatory items the person has not filled in yet (one query, none when nothing is mandatory)."""
    if not mandatory:
        return []
    profile = next(iter(_profile_with_skill_count(person=user)), None)
    if profile is None:
        return []
    done = done_items(profile, profile.skill_count)
    return [key for key in mandatory if key not in done]


@dataclass(frozen=True)
class DepartmentCompleteness:
    name: str | None  # None: people without a department
    people: int
    average: int  # percent
    complete_share: int  # percent of people whose profile is complete
    most_missing: Item | None
    most_missing_count: int


def completeness_by_department() -> list[DepartmentCompleteness]:
    """Activated colleagues grouped by department, aggregated by the database in one query."""
    conditions = done_conditions()
    done = {f"done_{key}": Sum(as_int(q)) for key, q in conditions.items()}
    every = Q()
    for q in conditions.values():
        every &= q
    rows = (
        Profile.objects.filter(user__is_active=True, user__activated_at__isnull=False, user__is_bot=False)
        .annotate(skill_count=skill_count_expression())
        .values("department__name")
        .annotate(people=Count("pk"), complete=Sum(as_int(every)), **done)
        .order_by("department__name")
    )
    report = []
    for row in rows:
        people = row["people"]
        done_total = sum(row[f"done_{key}"] for key in ITEM_KEYS)
        missing = {key: people - row[f"done_{key}"] for key in ITEM_KEYS}
        top = max(ITEM_KEYS, key=lambda key: (missing[key], -ITEM_KEYS.index(key)))
        report.append(
            DepartmentCompleteness(
                name=row["department__name"],
                people=people,
                average=round(100 * done_total / (people * len(ITEM_KEYS))),
                complete_share=round(100 * row["complete"] / people),
                most_missing=BY_KEY[top] if missing[top] else None,
                most_missing_count=missing[top],
            )
        )
    # Departments by name, people without one last.
    return sorted(report, key=lambda r: (r.name is None, (r.name or "").casefold()))


# Skill pages

SKILL_PAGE_SIZE = 30


def skill_by_key(value: str) -> Skill:
    """The skill named in a URL: its key, any case or accents, or a slug with dashes for spaces."""
    key = fold(value.strip())[:60]
    candidates = [key, key.replace("-", " ")]
    found = {s.key: s for s in Skill.objects.filter(key__in=candidates)}
    for candidate in candidates:
        if candidate in found:
            return found[candidate]
    raise Http404


def skill_people(skill: Skill, *, site: int | None = None, after: int | None = None) -> Page[User]:
    """Active colleagues who declared the skill, by name; keyset pages (`after` = last person's id)."""
    people = (
        User.objects.filter(PEOPLE, is_active=True, profile__skills=skill)
        .select_related(*PERSON)
        .order_by("last_name", "first_name", "id")
    )
    if site:
        people = people.filter(profile__site_id=site)
    if after:
        last = User.objects.filter(pk=after)
        last_name = Subquery(last.values("last_name")[:1])
        first_name = Subquery(last.values("first_name")[:1])
        people = people.filter(
            Q(last_name__gt=last_name)
            | Q(last_name=last_name, first_name__gt=first_name)
            | Q(last_name=last_name, first_name=first_name, id__gt=after)
        )
    return page_from(list(people[: SKILL_PAGE_SIZE + 1]), SKILL_PAGE_SIZE)


def skill_facets(skill: Skill) -> dict:
    """How many active colleagues declared the skill, and on which sites (for the filter), in one query."""
    rows = list(
        Profile.objects.filter(user__is_active=True, skills=skill)
        .values("site_id", "site__name")
        .annotate(n=Count("pk"))
        .order_by("site__name")
    )
    return {
        "total": sum(row["n"] for row in rows),
        "sites": [(row["site_id"], row["site__name"], row["n"]) for row in rows if row["site_id"]],
    }


def invited_not_activated_count() -> int:
    return User.objects.filter(PEOPLE, activated_at__isnull=True, is_active=True).count()


# The administrators' people page: who is invited, activated, deactivated, kept by a directory.
_STATES = {
    "invited": Q(activated_at__isnull=True, is_active=True),
    "activated": Q(activated_at__isnull=False, is_active=True),
    "deactivated": Q(is_active=False),
    "directory": ~Q(source=Source.LOCAL),
}


def people_by_state(state: str, limit: int = 200) -> list[User]:
    """The newest people in that state (any other value: everyone)."""
    people = User.objects.select_related("profile", "profile__department").order_by("-date_joined")
    return list(people.filter(PEOPLE, _STATES.get(state, Q()))[:limit])


def people_state_counts() -> dict[str, int]:
    """How many people in each state, in one query."""
    return User.objects.filter(PEOPLE).aggregate(
        **{state: Count("pk", filter=q) for state, q in _STATES.items()}
    )


def invitee(user_id: int | None) -> User | None:
    """The person an activation link names, if any (the link's token is checked by the caller)."""
    return User.objects.filter(pk=user_id).first() if user_id else None


# The org chart: who reports to whom, from Profile.manager. Former colleagues (deactivated) are left
# out, and the people who reported to them are roots. A manager loop in the data is cut where a
# person comes back, and a chain stops after ORG_CHAIN_MAX levels.

ORG_CHAIN_MAX = 50
ORG_TOPS_MAX = 100
ORG_SEARCH_MAX = 20
ORG_DEPARTMENT_DEPTH = 3  # levels of people drawn in a department's tree; deeper ones open on demand
ORG_DRAWN_MAX = 300  # people drawn at most beyond the roots: a large department shows fewer levels


@dataclass
class OrgNode:
    """A person in a tree: `report_count` counts all their active reports, `children` those shown."""

    person: User
    report_count: int
    children: list["OrgNode"]
    open: bool = False  # children drawn (possibly none of the reports: a department shows its own)

    @property
    def expanded(self) -> bool:
        return self.open and bool(self.children)

    @property
    def reports_elsewhere(self) -> int:
        """Reports not drawn under an open person: in another department than the tree's."""
        return self.report_count - len(self.children) if self.expanded else 0


def _active_report_count() -> Count:
    return Count("reports", filter=Q(reports__user__is_active=True))


def _org_people():
    return User.objects.filter(PEOPLE, is_active=True, profile__isnull=False).select_related(*PERSON)


def access_org_person(viewer, handle: str) -> User:
    """A colleague in the chart (active); Http404 for a former colleague as for a handle nobody has."""
    person = access_person(viewer, handle)
    if not person.is_active:
        raise Http404
    found = _org_people().annotate(report_count=_active_report_count()).filter(pk=person.pk).first()
    if found is None:  # an account without a profile (a superuser made by createsuperuser)
        raise Http404
    return found


def org_chain(person: User) -> list[User]:
    """The person's managers, the top first and their own manager last: two queries whatever the
    depth (a recursive query walks up, bounded; the people are then read at once)."""
    table = Profile._meta.db_table  # the model's own table name, never a value from outside
    sql = (
        f"WITH RECURSIVE chain(id, depth) AS ("  # noqa: S608
        f" SELECT manager_id, 1 FROM {table} WHERE user_id = %s AND manager_id IS NOT NULL"
        f" UNION ALL"
        f" SELECT p.manager_id, c.depth + 1 FROM {table} p JOIN chain c ON p.user_id = c.id"
        f" WHERE p.manager_id IS NOT NULL AND c.depth < %s"
        f") SELECT id FROM chain ORDER BY depth"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [person.pk, ORG_CHAIN_MAX])
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return []
    found = {u.pk: u for u in _org_people().filter(pk__in=set(ids))}
    chain, seen = [], {person.pk}
    for pk in ids:
        # A former colleague ends the chain (their reports are roots); a loop ends where it closes.
        if pk in seen or pk not in found:
            break
        seen.add(pk)
        chain.append(found[pk])
    return chain[::-1]


def org_reports(person: User) -> list[OrgNode]:
    """The person's active direct reports by name, each with how many reports of their own: one query."""
    reports = (
        _org_people()
        .filter(profile__manager=person)
        .exclude(pk=person.pk)
        .annotate(report_count=_active_report_count())
        .order_by("last_name", "first_name", "id")
    )
    return [OrgNode(person=r, report_count=r.report_count, children=[]) for r in reports]


def org_node(person: User, *, open: bool) -> OrgNode:
    """One person of the chart (loaded by `access_org_person`), their reports drawn when `open`."""
    children = org_reports(person) if open else []
    return OrgNode(person=person, report_count=person.report_count, children=children, open=open)


def org_tops(limit: int = ORG_TOPS_MAX) -> tuple[list[OrgNode], int]:
    """The company's entry points: active people with reports and no active manager, the largest
    teams first; and how many others have neither manager nor reports recorded. Two queries."""
    rootless = Q(profile__manager__isnull=True) | Q(profile__manager__is_active=False)
    people = _org_people().filter(rootless).annotate(report_count=_active_report_count())
    tops = people.filter(report_count__gt=0).order_by("-report_count", "last_name", "first_name", "id")
    alone = people.filter(report_count=0).count()
    return [OrgNode(person=p, report_count=p.report_count, children=[]) for p in tops[:limit]], alone


def org_departments() -> list[Department]:
    """Departments with how many active colleagues each holds (`people`), by name: one query."""
    active = Q(profiles__user__is_active=True)
    return list(Department.objects.annotate(people=Count("profiles", filter=active)).order_by("name"))


def access_department(viewer, pk: int) -> Department:
    department = Department.objects.filter(pk=pk).first() if viewer.is_authenticated else None
    if department is None:
        raise Http404
    return department


def department_tree(
    department: Department, *, depth: int = ORG_DEPARTMENT_DEPTH
) -> tuple[list[OrgNode], int]:
    """The department's active people arranged by manager: those whose manager is outside the
    department, a former colleague or nobody are roots. People down to `depth` levels are drawn
    (fewer in a large department: ORG_DRAWN_MAX), the last level closed; deeper branches open on
    demand. Also how many roots are left out beyond ORG_DRAWN_MAX (a department whose managers are
    elsewhere), those with reports drawn first.

    Three queries whatever the size: who reports to whom in the department (ids only), how many
    reports each has, then the people drawn. The tree is built in memory."""
    pairs = list(
        Profile.objects.filter(department=department, user__is_active=True)
        .order_by("user__last_name", "user__first_name", "user_id")
        .values_list("user_id", "manager_id")
    )
    counts = dict(
        Profile.objects.filter(
            user__is_active=True, manager__is_active=True, manager__profile__department=department
        )
        .values("manager_id")
        .annotate(n=Count("pk"))
        .values_list("manager_id", "n")
    )
    here = {pk for pk, _manager in pairs}
    below: dict[int, list[int]] = {}
    roots = []
    for pk, manager_id in pairs:
        if manager_id in here and manager_id != pk:
            below.setdefault(manager_id, []).append(pk)
        else:
            roots.append(pk)
    tops, level = _levels([pk for pk, _manager in pairs], below, roots)
    tops.sort(key=lambda pk: -counts.get(pk, 0))  # stable: by name within
    more = max(len(tops) - ORG_DRAWN_MAX, 0)
    tops = tops[:ORG_DRAWN_MAX]
    sizes = Counter(level.values())
    drawn, shown = 0, 1
    for d in range(1, depth + 1):
        drawn += sizes[d]
        if d > 1 and drawn > ORG_DRAWN_MAX:
            break
        shown = d
    wanted, edge = set(tops), list(tops)
    for at in range(1, shown):  # the ids drawn, level by level
        edge = [r for pk in edge for r in below.get(pk, []) if level[r] == at + 1]
        wanted.update(edge)
    people = {u.pk: u for u in _org_people().filter(pk__in=wanted)}

    def node(pk: int, at: int) -> OrgNode:
        grown = OrgNode(person=people[pk], report_count=counts.get(pk, 0), children=[])
        if at < shown:
            grown.open = True
            grown.children = [node(r, at + 1) for r in below.get(pk, []) if level[r] == at + 1]
        return grown

    return [node(pk, 1) for pk in tops], more


def _levels(people: list[int], below: dict[int, list[int]], roots: list[int]):
    """The roots in order and each person's level under them (1 for a root), breadth first. People
    in a manager loop have no root above them: the first of each loop, by name, becomes one."""
    level: dict[int, int] = {}
    tops: list[int] = []
    for root in [*roots, *people]:
        if root in level:
            continue
        tops.append(root)
        level[root] = 1
        queue = deque([root])
        while queue:
            person = queue.popleft()
            for report in below.get(person, []):
                if report not in level:
                    level[report] = level[person] + 1
                    queue.append(report)
    return tops, level


def org_search(query: str, limit: int = ORG_SEARCH_MAX) -> list[User]:
    """Active colleagues whose name or handle has a word starting with what is typed (accents and
    case ignored: the people index answers, as for mentions), by name."""
    ids = people_matching(query.strip()[:60], limit=limit * 3) if query.strip() else []
    if not ids:
        return []
    return list(_org_people().filter(pk__in=ids).order_by("last_name", "first_name", "id")[:limit])
