"""Index maintenance, after commit. Services call `reindex_later` with what they changed.

Membership changes need no task: who may see a document is decided at query time, in SQL, by
the owning app's policies (ruche.posts.policies.visible_posts), so leaving a private community
hides its posts from search at once.
"""

from django.tasks import task

from ruche.search import services
from ruche.search.documents import Kind


@task()
def reindex(kind: str, ids: list[int]) -> int:
    return services.search_reindex(kind=kind, ids=ids)


def reindex_later(kind: str, ids) -> None:
    ids = sorted({int(pk) for pk in ids if pk is not None})
    if ids:
        reindex.enqueue(kind=Kind(kind).value, ids=ids)


def reindex_post_later(post, *, tag_ids=()) -> None:
    """A post or a reply; `tag_ids`, the hashtags it carries (a new tag becomes findable)."""
    reindex_later(Kind.REPLY if post.parent_id else Kind.POST, [post.pk])
    reindex_later(Kind.HASHTAG, tag_ids)
