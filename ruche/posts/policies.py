"""Who may see and touch posts. Every check on a post goes through here.

A post placed in no community is for every colleague. A post placed in communities is for the
readers of at least one community where it is published (public ones: everyone; private and
secret ones: members). A reply follows its post. `visible_posts` says it in SQL, so that lists
filter before they fetch; `can_view_post` asks the same question about one post.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from ruche.accounts.policies import is_admin
from ruche.core.hooks import Hook

# An idea and its discussion stay inside their campaign's audience: the rule is ruche.ideas.policies',
# provided here so that this stays the one visibility policy. `campaigns_visible_to(user)`: the ids
# of the campaigns `user` may see, as SQL; `campaign_readers(campaign_id, user_ids)`: those of these
# people who may see that campaign.
campaigns_visible_to: Hook[[object], object] = Hook("posts.campaigns_visible_to")
campaign_readers: Hook[[int, set[int]], set[int]] = Hook("posts.campaign_readers")


def _is_colleague(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def visible_posts(user, posts: QuerySet) -> QuerySet:
    """Narrow a Post queryset, in SQL, to what `user` may see."""
    from ruche.communities.models import Community, Membership, Placement

    if not _is_colleague(user):
        return posts.none()
    placed = Placement.objects.filter(post_id=OuterRef("thread_id"))
    member_of = Membership.objects.filter(user=user).values("community_id")
    readable = placed.filter(status=Placement.Status.APPROVED).filter(
        Q(community__visibility=Community.Visibility.PUBLIC) | Q(community_id__in=member_of)
    )
    own = Q(author=user)
    posts = (
        posts.annotate(thread_id=Coalesce("parent_id", "id"))
        .filter(deleted_at__isnull=True)
        .filter(Q(hidden_at__isnull=True, awaiting_approval=False) | own)
        .filter(~Exists(placed) | Exists(readable) | own)
    )
    if is_admin(user):
        return posts
    return posts.filter(Q(campaign__isnull=True) | Q(campaign_id__in=campaigns_visible_to(user)))


def visible_replies(user, replies: QuerySet) -> QuerySet:
    """Replies of posts already known to be visible: only their own state is left to check."""
    return replies.filter(deleted_at__isnull=True).filter(
        Q(hidden_at__isnull=True, awaiting_approval=False) | Q(author=user)
    )


def can_view_post(user, post) -> bool:
    if not _is_colleague(user) or post.pk is None or post.deleted_at is not None:
        return False
    if post.parent_id and (post.parent.deleted_at is not None or not can_view_post(user, post.parent)):
        return False
    from ruche.posts.models import Post

    return visible_posts(user, Post.objects.filter(pk=post.pk)).exists()


def can_view_post_id(user, pk: int) -> bool:
    """`can_view_post` for a post known by its id (who may download a post's attachment)."""
    from ruche.posts.models import Post

    post = Post.objects.select_related("parent").filter(pk=pk).first()
    return post is not None and can_view_post(user, post)


def existing_posts(ids) -> set[int]:
    """Of these ids, the posts that still exist and are not deleted."""
    from ruche.posts.models import Post

    return set(Post.objects.filter(pk__in=list(ids), deleted_at__isnull=True).values_list("pk", flat=True))


def readers_among(post, user_ids) -> set[int]:
    """Of these people, those who may read `post`: `can_view_post` asked of many at once (a notice
    to a crowd), in a few queries whatever their number. The rule of `visible_posts`, stated for a
    set of people; tests/posts/test_readers.py holds the two to the same answers."""
    return readers_of([post], user_ids)[post.pk]


def readers_of(posts, user_ids) -> dict[int, set[int]]:
    """`readers_among` for many posts at once (a digest's batch): {post id: those of `user_ids` who
    may read it}, in a few queries whatever the number of people or posts (two more per idea
    campaign among them). The posts come with their `parent` loaded."""
    from ruche.accounts.models import User
    from ruche.communities.models import Community, Membership, Placement

    posts = list(posts)
    people = set(User.objects.filter(pk__in=list(user_ids), is_active=True).values_list("pk", flat=True))
    if not people or not posts:
        return {post.pk: set() for post in posts}
    placements: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    threads = {post.parent_id or post.pk for post in posts}
    for thread, *row in Placement.objects.filter(post_id__in=threads).values_list(
        "post_id", "status", "community_id", "community__visibility"
    ):
        placements[thread].append(tuple(row))
    private = {c for rows in placements.values() for _s, c, v in rows if v != Community.Visibility.PUBLIC}
    members: dict[int, set[int]] = defaultdict(set)
    if private:
        for user_id, community_id in Membership.objects.filter(
            community_id__in=private, user_id__in=people
        ).values_list("user_id", "community_id"):
            members[community_id].add(user_id)
    campaigns = {
        p.campaign_id for post in posts for p in (post, post.parent) if p is not None and p.campaign_id
    }
    if campaigns:
        # An idea and its discussion stay inside their campaign's audience (provided by ruche.ideas).
        campaigns = {c: campaign_readers(c, people) for c in campaigns}
    known = _Known(placements, members, campaigns)
    result = {}
    for post in posts:
        if post.parent_id:
            allowed = set() if post.parent.deleted_at else _may_read(post.parent, people, known)
            result[post.pk] = _may_read(post, allowed, known)
        else:
            result[post.pk] = _may_read(post, people, known)
    return result


@dataclass
class _Known:
    placements: dict  # thread id -> [(status, community id, visibility)]
    members: dict  # community id -> the people's ids among its members
    campaign_viewers: dict  # campaign id -> the people's ids who may see it


def _may_read(post, people: set[int], known: _Known) -> set[int]:
    from ruche.communities.models import Community, Placement

    if not people or post.pk is None or post.deleted_at is not None:
        return set()
    own = people & {post.author_id}
    allowed = own if (post.hidden_at or post.awaiting_approval) else set(people)
    placements = known.placements[post.parent_id or post.pk]
    if placements and allowed:
        shown = [(c, v) for status, c, v in placements if status == Placement.Status.APPROVED]
        if not any(v == Community.Visibility.PUBLIC for _c, v in shown):
            allowed &= set().union(*(known.members[c] for c, _v in shown)) | own
    if post.campaign_id and allowed:
        allowed &= known.campaign_viewers[post.campaign_id]
    return allowed


def visible_hashtags(user, hashtags: QuerySet) -> QuerySet:
    """Narrow a Hashtag queryset, in SQL, to those that exist for `user`: a post or reply they may
    see carries it, or they already follow it. A hashtag used only where they cannot read is as
    unknown as a made-up one (tag page, autocomplete, search)."""
    from ruche.posts.models import HashtagFollow, Post

    if not _is_colleague(user):
        return hashtags.none()
    followed = HashtagFollow.objects.filter(user=user, hashtag_id=OuterRef("pk"))
    carried = visible_posts(user, Post.objects.filter(hashtags=OuterRef("pk")))
    return hashtags.filter(Exists(followed) | Exists(carried))


def can_reply(user, post) -> bool:
    return can_view_post(user, post) and not post.hidden_at and not _in_archived_community(post)


def can_react(user, post) -> bool:
    return can_view_post(user, post) and not post.hidden_at


def can_share(user, post) -> bool:
    """A top-level post one may read and that no moderator hid (a share is shared as its original)."""
    return post.parent_id is None and not post.hidden_at and can_view_post(user, post)


def can_edit_post(user, post) -> bool:
    return can_view_post(user, post) and can_edit_shown(user, post)


def can_delete_post(user, post) -> bool:
    return can_view_post(user, post) and can_delete_shown(user, post)


def can_edit_shown(user, post) -> bool:
    """`can_edit_post` for a post already shown to `user` (a card): no query."""
    return post.author_id == user.pk


def can_delete_shown(user, post) -> bool:
    """`can_delete_post` for a post already shown to `user` (a card): no query."""
    return post.author_id == user.pk or is_admin(user)


def can_mention(user, post) -> bool:
    """A mention notifies only someone who may read the post."""
    return can_view_post(user, post)


def _in_archived_community(post) -> bool:
    root = post.parent or post
    return root.placements.filter(community__archived_at__isnull=False).exists() and not (
        root.placements.filter(community__archived_at__isnull=True).exists()
    )


def can_see_link_preview_image(user, name: str) -> bool:
    """A link preview's image, for those who may read a post that shows it."""
    from ruche.posts.models import Post

    shown = Post.objects.filter(link_preview__image=name, link_preview_hidden=False, deleted_at=None)
    return visible_posts(user, shown).exists()
