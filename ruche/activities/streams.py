"""The Activity Streams 2.0 (JSON-LD) form of activities, actors and outboxes.

Ids are absolute URLs on RUCHE_SITE_URL: a person's is their profile's, a community's its page's,
a post's its page's, an activity's `/activities/<id>`. Everything is built for one reader, from
rows the reader may see (policies.visible_activities): a share embeds its original only for a
reader who may read the original, as the pages do."""

from django.conf import settings

from ruche.accounts.models import User
from ruche.activities.models import Activity
from ruche.communities.models import Community, Placement
from ruche.core.paths import path, path_for
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts

CONTEXT = "https://www.w3.org/ns/activitystreams"
MEDIA_TYPE = "application/activity+json"
Type = Activity.Type


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def person_id(user: User) -> str:
    return absolute(user.get_absolute_url())


def person(user: User, *, full: bool = False) -> dict:
    data = {
        "id": person_id(user),
        "type": "Person",
        "name": user.full_name,
        "preferredUsername": user.handle,
        "url": person_id(user),
    }
    if full:
        data["outbox"] = absolute(path_for("activities:person_outbox", user.handle))
        data["followers"] = absolute(path_for("accounts:followers", user.handle))
    return data


def group(community: Community, *, full: bool = False) -> dict:
    url = absolute(community.get_absolute_url())
    data = {
        "id": url,
        "type": "Group",
        "name": community.name,
        "preferredUsername": community.slug,
        "url": url,
    }
    if full:
        data["summary"] = community.description
        data["outbox"] = absolute(path_for("activities:community_outbox", community.slug))
    return data


def activity_id(activity: Activity) -> str:
    return absolute(path_for("activities:activity", activity.pk))


def with_context(data: dict) -> dict:
    return {"@context": CONTEXT, **data}


class _Page:
    """What a page of activities needs besides its rows, fetched once per page."""

    def __init__(self, reader, activities: list[Activity]):
        posts = [a.post for a in activities if a.post is not None]
        threads = {p.parent_id or p.pk for p in posts}
        self.placed: dict[int, list[Community]] = {}
        for placement in Placement.objects.filter(
            post_id__in=threads, status=Placement.Status.APPROVED
        ).select_related("community"):
            self.placed.setdefault(placement.post_id, []).append(placement.community)
        followed = [a.object_id for a in activities if a.object_kind == Activity.Kind.PERSON]
        self.people = {u.pk: u for u in User.objects.filter(pk__in=followed)}
        originals = {p.shared_post_id for p in posts if p.shared_post_id}
        self.readable_originals = set(
            visible_posts(reader, Post.objects.filter(pk__in=originals)).values_list("pk", flat=True)
        )
        self.ideas = {}
        ideas = [a.object_id for a in activities if a.object_kind == Activity.Kind.IDEA]
        if ideas:
            from ruche.ideas.models import Idea

            self.ideas = {i.pk: i for i in Idea.objects.filter(pk__in=ideas).select_related("campaign")}


def note(post: Post, page: _Page) -> dict:
    url = absolute(post.get_absolute_url())
    author = person_id(post.author)
    data = {
        "id": url,
        "type": "Note",
        "url": url,
        "attributedTo": author,
        "content": post.body_html.strip(),
        "published": post.created.isoformat(),
    }
    if post.edited_at:
        data["updated"] = post.edited_at.isoformat()
    if post.parent_id:
        data["inReplyTo"] = absolute(post.parent.get_absolute_url())
    communities = page.placed.get(post.parent_id or post.pk, [])
    if post.campaign_id:
        data["to"] = [absolute(path_for("ideas:campaign", post.campaign_id))]
    elif communities:
        data["to"] = [group(c)["id"] for c in communities]
    else:
        data["to"] = [absolute(path("accounts:directory"))]  # every colleague
    data["cc"] = [absolute(path_for("accounts:followers", post.author.handle))]
    return data


def _idea(activity: Activity, page: _Page) -> dict:
    idea = page.ideas.get(activity.object_id)
    url = absolute(path_for("ideas:idea", activity.object_id))
    data = {"id": url, "type": "Page", "url": url}
    if idea is not None:
        data |= {
            "name": idea.title,
            "content": activity.post.body_html.strip(),
            "attributedTo": person_id(activity.post.author),
        }
    return data


def activity(reader, item: Activity, page: _Page | None = None) -> dict:
    """One activity, as JSON-LD (without @context: outboxes carry it once)."""
    page = page or _Page(reader, [item])
    data = {
        "id": activity_id(item),
        "type": item.type,
        "actor": person(item.actor),
        "published": item.published.isoformat(),
    }
    post = item.post
    match item.type:
        case Type.DELETE:
            data["object"] = {
                "id": absolute(post.get_absolute_url()),
                "type": "Tombstone",
                "formerType": "Note",
            }
        case Type.ANNOUNCE:
            original = post.shared_post
            if original is not None and original.pk in page.readable_originals:
                data["object"] = note(original, page)
            else:
                data["object"] = {"type": "Tombstone"}  # the share is visible, its original is not
            data["content"] = post.body_html.strip()
            data["url"] = absolute(post.get_absolute_url())
        case Type.CREATE | Type.UPDATE | Type.LIKE:
            data["object"] = note(post, page)
            if item.type == Type.LIKE:
                data["content"] = item.detail.get("reaction", "")
        case Type.ACCEPT:
            data["object"] = note(post, page)
            data["target"] = absolute(post.parent.get_absolute_url())
        case Type.FOLLOW:
            followed = page.people.get(item.object_id)
            data["object"] = person(followed) if followed else {"type": "Tombstone"}
        case Type.JOIN | Type.LEAVE:
            data["object"] = group(item.community)
        case Type.ADD:
            data["object"] = _idea(item, page)
            data["target"] = {
                "id": absolute(path_for("ideas:campaign", item.detail.get("campaign"))),
                "type": "Collection",
            }
        case Type.MOVE:
            data["object"] = _idea(item, page)
            if item.detail.get("origin"):
                data["origin"] = {"type": "Object", "name": item.detail["origin"]}
            data["target"] = {"type": "Object", "name": item.detail.get("target", "")}
    return data


def activities(reader, items: list[Activity]) -> list[dict]:
    page = _Page(reader, items)
    return [activity(reader, item, page) for item in items]
