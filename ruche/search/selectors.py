"""Reads for search: results grouped by kind, and "who knows about X?".

How a search runs, per kind: (1) the index gives candidate ids with scores, filters applied in the
same SQL (for posts and replies a bounded window of the most recent matches, SEARCH_WINDOW; the
small kinds rank all their matches); (2) one query narrows the candidates to what the viewer may
see, through the owning app's policy (posts: `visible_posts`); (3) one query loads the page shown.
Counts are exact up to the window and shown as "N+" beyond it.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ruche.search.backends import index
from ruche.search.documents import Kind
from ruche.search.highlight import highlight
from ruche.search.query import QueryError, Terms, parse

WINDOW = getattr(settings, "SEARCH_WINDOW", 1000)
PER_KIND_PREVIEW = 5
# The all-kinds overview shows a few hits a kind: a smaller window ("200+ posts", then "see all")
# makes it cost about one kind's page instead of three (measured in docs/performance-search.md).
PREVIEW_WINDOW = max(WINDOW // 5, PER_KIND_PREVIEW)
PAGE_SIZE = 20
SNIPPET_CHARS = 240
POST_KINDS = (Kind.QUESTION, Kind.POST, Kind.REPLY)
ORDERS = ("relevance", "date")


@dataclass
class Filters:
    kind: str = ""
    community: int | None = None
    author: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    department: int | None = None
    site: int | None = None
    order: str = "relevance"
    offset: int = 0

    def kinds(self) -> list[str]:
        """Kinds these filters make sense for: post filters leave people out, and the other way round."""
        kinds = [self.kind] if self.kind in Kind.values else list(Kind.values)
        if self.community or self.author or self.since or self.until:
            kinds = [k for k in kinds if k in POST_KINDS]
        if self.department or self.site:
            kinds = [k for k in kinds if k == Kind.PERSON]
        return kinds


@dataclass
class Hit:
    kind: str
    object: object
    score: float
    title: SafeString
    snippet: SafeString


@dataclass
class Group:
    kind: str
    label: str
    count: int
    capped: bool
    hits: list[Hit]
    next_offset: int | None = None

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.capped else str(self.count)


@dataclass
class Results:
    query: str
    words: tuple[str, ...] = ()
    error: str = ""
    groups: list[Group] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def _sql_datetime(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _filter_sql(kind: str, filters: Filters) -> tuple[str, list[str], list]:
    """Filters applied inside the index query, on the source table joined as `s`."""
    where, params = [], []
    if kind in POST_KINDS:
        if filters.author:
            where.append("s.author_id = %s")
            params.append(filters.author)
        if filters.since:
            where.append("s.created >= %s")
            params.append(_sql_datetime(filters.since))
        if filters.until:
            where.append("s.created < %s")
            params.append(_sql_datetime(filters.until))
        if filters.community:
            where.append(
                "EXISTS (SELECT 1 FROM communities_placement pl WHERE pl.post_id = COALESCE(s.parent_id, s.id) "
                "AND pl.community_id = %s AND pl.status = 'approved')"
            )
            params.append(filters.community)
        join = "JOIN {source} s ON s.id = {id}"
    elif kind == Kind.PERSON:
        if filters.department:
            where.append("s.department_id = %s")
            params.append(filters.department)
        if filters.site:
            where.append("s.site_id = %s")
            params.append(filters.site)
        join = "JOIN accounts_profile s ON s.user_id = {id}"
    else:
        join = ""
    return (join if where else ""), where, params


def _visible_ids(viewer, kind: str, ids: list[int]) -> set[int]:
    """The candidates the viewer may see, decided in SQL by the owning app's policy."""
    if not ids:
        return set()
    if kind in POST_KINDS:
        return set(_visible_posts_values(viewer, kind, ids, "pk"))
    if kind == Kind.PERSON:
        from ruche.accounts.models import PEOPLE, User

        return set(User.objects.filter(PEOPLE, pk__in=ids, is_active=True).values_list("pk", flat=True))
    if kind == Kind.COMMUNITY:
        from ruche.communities.models import Community
        from ruche.communities.policies import listed_communities

        return set(
            listed_communities(viewer, Community.objects.filter(pk__in=ids)).values_list("pk", flat=True)
        )
    if kind == Kind.HASHTAG:
        from ruche.posts.models import Hashtag
        from ruche.posts.policies import visible_hashtags

        return set(visible_hashtags(viewer, Hashtag.objects.filter(pk__in=ids)).values_list("pk", flat=True))
    raise ValueError(kind)


# PostgreSQL plans `visible_posts` over many ids with hashed subplans that read every placement of
# the company once (300 ms at 100K placements) instead of probing the placement index per candidate
# (a few ms for a thousand). It only hashes what fits in work_mem: for this one query, within a
# transaction, work_mem is made small so that it probes. SQLite always probes.
PROBE_WORK_MEM = "64kB"


def _visible_posts_values(viewer, kind: str, ids: list[int], field_name: str) -> list:
    """`field_name` of the posts or replies among `ids` the viewer may see (ruche.posts.policies)."""
    from ruche.posts.models import Post
    from ruche.posts.policies import visible_posts

    if not ids:
        return []
    posts = visible_posts(viewer, Post.objects.filter(pk__in=ids)).filter(
        hidden_at__isnull=True, awaiting_approval=False
    )
    if kind == Kind.REPLY:
        posts = posts.filter(parent__deleted_at__isnull=True, parent__hidden_at__isnull=True)
    if connection.vendor != "postgresql":
        return list(posts.values_list(field_name, flat=True))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{PROBE_WORK_MEM}'")
        values = list(posts.values_list(field_name, flat=True))
        cursor.execute("RESET work_mem")  # SET LOCAL ends with the transaction; a savepoint keeps it
    return values


def _load(kind: str, ids: list[int]) -> dict[int, object]:
    """The objects of one page of hits, with what their card shows."""
    if kind in POST_KINDS:
        from ruche.posts.models import Post

        objects = Post.objects.select_related("author__profile", "parent__author")
    elif kind == Kind.PERSON:
        from ruche.accounts.models import User

        objects = User.objects.select_related("profile__department", "profile__site")
    elif kind == Kind.COMMUNITY:
        from ruche.communities.models import Community

        objects = Community.objects.all()
    else:
        from ruche.posts.models import Hashtag

        objects = Hashtag.objects.all()
    return objects.in_bulk(ids)


def _hit(kind: str, obj, score: float, words) -> Hit:
    if kind in POST_KINDS:
        body = " ".join(obj.body.split())
        title = obj.author.full_name
        return Hit(kind, obj, score, highlight(title, ()), highlight(body, words, length=SNIPPET_CHARS))
    if kind == Kind.PERSON:
        profile = getattr(obj, "profile", None)
        facts = []
        if profile is not None:
            facts = [profile.job_title, str(profile.department or ""), str(profile.site or "")]
        snippet = highlight(" · ".join(f for f in facts if f), words)
        return Hit(kind, obj, score, highlight(obj.full_name, words), snippet)
    if kind == Kind.COMMUNITY:
        description = " ".join(obj.description.split())
        return Hit(
            kind, obj, score, highlight(obj.name, words), highlight(description, words, length=SNIPPET_CHARS)
        )
    return Hit(kind, obj, score, highlight(f"#{obj.name}", words), SafeString(""))


def search_kind(
    viewer, kind: str, terms: Terms, filters: Filters, *, size: int, offset: int = 0, window: int = WINDOW
) -> Group:
    join, where, params = _filter_sql(kind, filters)
    candidates = index().candidates(kind, terms, join=join, where=where, params=params, limit=window)
    visible = _visible_ids(viewer, kind, [pk for pk, _score in candidates])
    ranked = [(pk, score) for pk, score in candidates if pk in visible]
    if filters.order == "relevance" or kind not in POST_KINDS:
        ranked.sort(key=lambda item: (-item[1], -item[0]))
    else:
        ranked.sort(key=lambda item: -item[0])  # ids grow with time: newest first
    offset = max(0, min(offset, len(ranked)))
    page = ranked[offset : offset + size]
    objects = _load(kind, [pk for pk, _score in page])
    hits = [_hit(kind, objects[pk], score, terms.words) for pk, score in page if pk in objects]
    more = offset + size if offset + size < len(ranked) else None
    return Group(kind, str(Kind(kind).label), len(ranked), len(candidates) >= window, hits, more)


def search(*, viewer, query: str, filters: Filters | None = None) -> Results:
    """Everything the viewer may see that matches, grouped by kind (one kind: one page of it)."""
    filters = filters or Filters()
    try:
        terms = parse(query)
    except QueryError as error:
        return Results(query=query or "", error=str(error))
    results = Results(query=query, words=terms.words)
    kinds = filters.kinds()
    single = len(kinds) == 1
    for kind in kinds:
        if single:
            group = search_kind(viewer, kind, terms, filters, size=PAGE_SIZE, offset=filters.offset)
        else:
            group = search_kind(viewer, kind, terms, filters, size=PER_KIND_PREVIEW, window=PREVIEW_WINDOW)
        if group.count or single:
            results.groups.append(group)
    return results


# --- Who knows about X? -------------------------------------------------------------------------

SKILL_WEIGHT = 10  # a declared skill on the topic: the person says they know
POST_WEIGHT = 2  # a post they wrote on the topic
REPLY_WEIGHT = 3  # a reply they wrote on the topic: they answered someone
ACCEPTED_ANSWER_WEIGHT = 8  # an accepted answer on the topic (filled in by the qa app)
EXPERT_CONTENT_WINDOW = 1000  # most recent matching posts and replies looked at, per kind


@dataclass
class Expert:
    person: object
    score: int
    skills: list = field(default_factory=list)
    posts: int = 0
    replies: int = 0
    accepted_answers: int = 0

    @property
    def explanation(self) -> str:
        parts = []
        if self.skills:
            parts.append(ngettext("%(n)d skill", "%(n)d skills", len(self.skills)) % {"n": len(self.skills)})
        if self.accepted_answers:
            parts.append(
                ngettext("%(n)d accepted answer", "%(n)d accepted answers", self.accepted_answers)
                % {"n": self.accepted_answers}
            )
        if self.replies:
            parts.append(ngettext("%(n)d reply", "%(n)d replies", self.replies) % {"n": self.replies})
        if self.posts:
            parts.append(ngettext("%(n)d post", "%(n)d posts", self.posts) % {"n": self.posts})
        return _("%(facts)s on the topic") % {"facts": ", ".join(parts)}


def _skill_matches(words) -> dict[int, list]:
    """person id -> their declared skills whose name holds every word of the topic."""
    from ruche.accounts.models import Profile, Skill

    skills = Skill.objects.all()
    for word in words:
        skills = skills.filter(key__contains=word)
    found = {s.pk: s for s in skills[:200]}
    holders: dict[int, list] = {}
    through = Profile.skills.through.objects.filter(skill_id__in=list(found))
    for user_id, skill_id in through.values_list("profile_id", "skill_id"):
        holders.setdefault(user_id, []).append(found[skill_id])
    return holders


def _authors_of_visible(viewer, kind: str, terms: Terms, *, where=()) -> Counter:
    join = "JOIN {source} s ON s.id = {id}" if where else ""
    candidates = index().candidates(kind, terms, join=join, where=where, limit=EXPERT_CONTENT_WINDOW)
    ids = [pk for pk, _score in candidates]
    return Counter(_visible_posts_values(viewer, kind, ids, "author_id"))


def _accepted_answers(viewer, terms: Terms) -> Counter:
    """Person id -> their answers on the topic that solved a question, among what the viewer may see."""
    return _authors_of_visible(
        viewer,
        Kind.REPLY,
        terms,
        where=["EXISTS (SELECT 1 FROM qa_question q WHERE q.accepted_answer_id = s.id)"],
    )


def experts_for(*, viewer, topic: str, limit: int = 10, exclude=()) -> list[Expert]:
    """People ranked by what they declared (skills) and what they wrote that the viewer may read."""
    from ruche.accounts.models import PEOPLE, User

    try:
        terms = parse(topic)  # as in search: the last word is a prefix (SQLite's stand-in for stemming)
    except QueryError:
        return []
    skills = _skill_matches(terms.words)
    posts = _authors_of_visible(viewer, Kind.POST, terms)
    replies = _authors_of_visible(viewer, Kind.REPLY, terms)
    accepted = _accepted_answers(viewer, terms)
    scores = Counter()
    for person, held in skills.items():
        scores[person] += SKILL_WEIGHT * len(held)
    for person, n in posts.items():
        scores[person] += POST_WEIGHT * n
    for person, n in replies.items():
        scores[person] += REPLY_WEIGHT * n
    for person, n in accepted.items():
        scores[person] += ACCEPTED_ANSWER_WEIGHT * n
    for person in exclude:
        scores.pop(getattr(person, "pk", person), None)
    # Ask for a few more than needed: some may be former colleagues.
    best = [pk for pk, _score in scores.most_common(limit * 2 + 10)]
    people = User.objects.filter(PEOPLE, pk__in=best, is_active=True).select_related("profile").in_bulk()
    experts = [
        Expert(
            people[pk],
            scores[pk],
            sorted(skills.get(pk, []), key=lambda s: s.name),
            posts.get(pk, 0),
            replies.get(pk, 0),
            accepted.get(pk, 0),
        )
        for pk in best
        if pk in people
    ]
    experts.sort(key=lambda e: (-e.score, e.person.last_name, e.person.pk))
    return experts[:limit]


# --- autocomplete -------------------------------------------------------------------------------


def people_prefix(prefix: str, *, limit: int) -> list[int]:
    """Ids of active people whose name or handle has a word starting with the words typed,
    most relevant first, from the people index (names are its title column)."""
    try:
        terms = parse(prefix)
    except QueryError:
        return []
    return [pk for pk, _score in index().candidates(Kind.PERSON, terms, limit=limit, title_only=True)]


# --- the page's furniture -----------------------------------------------------------------------


def filter_choices(viewer, selected_community=None) -> dict:
    """What the filters offer: the viewer's own communities (and the one asked for, when the viewer
    may know of it: a link from its page), departments, sites. Not every community of the company:
    hundreds of options cost more to render than the search itself."""
    from ruche.accounts.models import Department, Site
    from ruche.communities.models import Community
    from ruche.communities.policies import listed_communities

    mine = Q(memberships__user=viewer)
    if isinstance(selected_community, int) or str(selected_community or "").isdigit():
        mine |= Q(pk=int(selected_community))
    communities = listed_communities(viewer, Community.objects.filter(mine).only("pk", "name").distinct())
    return {
        "communities": list(communities.order_by("name")[:100]),
        "departments": list(Department.objects.all()),
        "sites": list(Site.objects.all()),
    }


def author_id(handle: str) -> int | None:
    from ruche.accounts.models import User

    handle = handle.strip().lstrip("@").lower()
    if not handle:
        return None
    return User.objects.filter(handle=handle).values_list("pk", flat=True).first() or -1


def search_terms_only(query: str) -> Results:
    """The parse alone (for the experts tab): the words, or the message saying what is wrong."""
    try:
        return Results(query=query, words=parse(query).words)
    except QueryError as error:
        return Results(query=query or "", error=str(error))


def tabs() -> list[tuple[str, str]]:
    return [("", _("Everything")), *[(k.value, str(k.label)) for k in Kind], ("experts", _("Experts"))]
