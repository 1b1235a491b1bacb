"""What the index holds, kind by kind: one builder per kind turns objects into documents.

A document is (kind, object id, title, body). The title weighs more than the body in ranking.
Only content that may be found at all is indexed (live posts, active people, approved communities);
who may see it is decided again at query time, in SQL, by the owning app's policies.

Adding a kind: add it to `Kind`, write a builder, register it in `BUILDERS` and `SOURCES`, create
its SQLite table / PostgreSQL index in a migration (`backends.create_kind`), and call
`tasks.reindex_later` from the services that change it. Questions are posts (ruche.qa) with an
index of their own: found among a few thousand questions, not by filtering a million posts (a word
common in posts but in no question cost 70 ms that way). A top-level post is indexed as a question
or as a post, never both; reindexing it settles both kinds (`SAME_OBJECTS`).
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

BATCH = 2000


class Kind(models.TextChoices):
    QUESTION = "question", _("Questions")
    POST = "post", _("Posts")
    REPLY = "reply", _("Replies")
    PERSON = "person", _("People")
    COMMUNITY = "community", _("Communities")
    HASHTAG = "hashtag", _("Hashtags")


@dataclass(frozen=True)
class Document:
    kind: str
    object_id: int
    title: str
    body: str


def _posts(ids: Iterable[int] | None, *, replies: bool):
    from ruche.posts.models import Post

    posts = Post.objects.filter(
        parent__isnull=not replies, deleted_at__isnull=True, hidden_at__isnull=True, awaiting_approval=False
    )
    return posts if ids is None else posts.filter(pk__in=list(ids))


def build_posts(ids: Iterable[int] | None = None) -> Iterator[Document]:
    posts = _posts(ids, replies=False).filter(question__isnull=True)
    for pk, body in posts.order_by("pk").values_list("pk", "body").iterator(BATCH):
        yield Document(Kind.POST, pk, "", body)


def build_questions(ids: Iterable[int] | None = None) -> Iterator[Document]:
    questions = _posts(ids, replies=False).filter(question__isnull=False)
    for pk, body in questions.order_by("pk").values_list("pk", "body").iterator(BATCH):
        yield Document(Kind.QUESTION, pk, "", body)


def build_replies(ids: Iterable[int] | None = None) -> Iterator[Document]:
    for pk, body in _posts(ids, replies=True).order_by("pk").values_list("pk", "body").iterator(BATCH):
        yield Document(Kind.REPLY, pk, "", body)


def build_people(ids: Iterable[int] | None = None) -> Iterator[Document]:
    """Active people only: a former colleague is not found (their posts still are), nor is an
    integration's account (ruche.integrations)."""
    from ruche.accounts.models import PEOPLE, Skill, User

    people = (
        User.objects.filter(PEOPLE, is_active=True)
        .select_related("profile__department", "profile__site")
        .prefetch_related(Prefetch("profile__skills", queryset=Skill.objects.only("name")))
        .order_by("pk")
    )
    if ids is not None:
        people = people.filter(pk__in=list(ids))
    for user in people.iterator(BATCH):
        profile = getattr(user, "profile", None)
        parts = []
        if profile is not None:
            parts = [
                profile.job_title,
                profile.department.name if profile.department else "",
                profile.site.name if profile.site else "",
                " ".join(skill.name for skill in profile.skills.all()),
                profile.ask_me_about,
                profile.bio,
            ]
        # The handle split in words too: PostgreSQL's parser keeps `marie.dupont` as one token.
        title = f"{user.first_name} {user.last_name} {user.handle} {re.sub(r'[._-]+', ' ', user.handle)}"
        yield Document(Kind.PERSON, user.pk, title, "\n".join(p for p in parts if p))


def build_communities(ids: Iterable[int] | None = None) -> Iterator[Document]:
    from ruche.communities.models import Community

    communities = Community.objects.filter(approved=True).order_by("pk")
    if ids is not None:
        communities = communities.filter(pk__in=list(ids))
    for pk, name, description in communities.values_list("pk", "name", "description").iterator(BATCH):
        yield Document(Kind.COMMUNITY, pk, name, description)


def build_hashtags(ids: Iterable[int] | None = None) -> Iterator[Document]:
    from ruche.posts.models import Hashtag

    tags = Hashtag.objects.order_by("pk")
    if ids is not None:
        tags = tags.filter(pk__in=list(ids))
    for pk, name in tags.values_list("pk", "name").iterator(BATCH):
        yield Document(Kind.HASHTAG, pk, name, "")


# kind -> builder(ids or None for all) yielding the documents of the objects that may be found.
BUILDERS = {
    Kind.QUESTION: build_questions,
    Kind.POST: build_posts,
    Kind.REPLY: build_replies,
    Kind.PERSON: build_people,
    Kind.COMMUNITY: build_communities,
    Kind.HASHTAG: build_hashtags,
}

INDEXED = tuple(BUILDERS)
# kind -> the kinds whose documents point to the same objects: reindexing one reindexes them all.
SAME_OBJECTS = {Kind.POST: (Kind.POST, Kind.QUESTION), Kind.QUESTION: (Kind.POST, Kind.QUESTION)}

# kind -> the table a document's object id points to (filters join it as `s`).
SOURCES = {
    Kind.QUESTION: "posts_post",
    Kind.POST: "posts_post",
    Kind.REPLY: "posts_post",
    Kind.PERSON: "accounts_user",
    Kind.COMMUNITY: "communities_community",
    Kind.HASHTAG: "posts_hashtag",
}

# Kinds whose matches are many and recent ones matter: the candidate window is the most recent
# matches (ranked by relevance within it); the other kinds rank all their matches.
RECENT_FIRST = {Kind.POST, Kind.REPLY}
