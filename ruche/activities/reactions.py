"""Every activity is recorded by the write that made it: these reactions run inside the publisher's
transaction (ruche/core/events.py), each one INSERT, plus the webhook deliveries it wants."""

from ruche.accounts.events import PersonFollowed
from ruche.activities.models import Activity
from ruche.activities.services import activity_record, activity_released
from ruche.communities.events import MemberAdded, MemberRemoved, PlacementApproved, ReplyApproved
from ruche.core.events import subscribe
from ruche.ideas.events import IdeaMoved, IdeaSubmitted
from ruche.posts.events import PostDeleted, PostEdited, PostPublished, ReactionAdded
from ruche.qa.events import AnswerAccepted

Type, Kind = Activity.Type, Activity.Kind


def record_published(event: PostPublished) -> None:
    post = event.post
    if post.campaign_id and post.parent_id is None:
        return  # an idea's own post: recorded as the idea's Add (record_idea_submitted)
    kind = Type.ANNOUNCE if post.is_share else Type.CREATE
    activity_record(type=kind, actor_id=post.author_id, kind=Kind.POST, object_id=post.pk, post_id=post.pk)


def record_edited(event: PostEdited) -> None:
    post = event.post
    activity_record(
        type=Type.UPDATE, actor_id=post.author_id, kind=Kind.POST, object_id=post.pk, post_id=post.pk
    )


def record_deleted(event: PostDeleted) -> None:
    post = event.post
    activity_record(
        type=Type.DELETE, actor_id=post.author_id, kind=Kind.POST, object_id=post.pk, post_id=post.pk
    )


def record_reaction(event: ReactionAdded) -> None:
    from ruche.posts.models import Reaction

    post_id, user_id, kind = Reaction.objects.values_list("post_id", "user_id", "kind").get(
        pk=event.reaction_id
    )
    activity_record(
        type=Type.LIKE,
        actor_id=user_id,
        kind=Kind.POST,
        object_id=post_id,
        post_id=post_id,
        detail={"reaction": kind},
    )


def record_follow(event: PersonFollowed) -> None:
    activity_record(
        type=Type.FOLLOW, actor_id=event.follower_id, kind=Kind.PERSON, object_id=event.followed_id
    )


def record_joined(event: MemberAdded) -> None:
    activity_record(
        type=Type.JOIN,
        actor_id=event.user_id,
        kind=Kind.COMMUNITY,
        object_id=event.community_id,
        community_id=event.community_id,
    )


def record_left(event: MemberRemoved) -> None:
    activity_record(
        type=Type.LEAVE,
        actor_id=event.user_id,
        kind=Kind.COMMUNITY,
        object_id=event.community_id,
        community_id=event.community_id,
    )


def record_accepted(event: AnswerAccepted) -> None:
    activity_record(
        type=Type.ACCEPT,
        actor_id=event.by_id,
        kind=Kind.POST,
        object_id=event.answer_id,
        post_id=event.answer_id,
    )


def record_idea_submitted(event: IdeaSubmitted) -> None:
    activity_record(
        type=Type.ADD,
        actor_id=event.author_id,
        kind=Kind.IDEA,
        object_id=event.idea_id,
        post_id=event.idea_id,  # an idea's id is its post's: the campaign's audience rule applies
        detail={"campaign": event.campaign_id},
    )


def record_idea_moved(event: IdeaMoved) -> None:
    from ruche.ideas.models import IdeaTransition

    source, target = IdeaTransition.objects.values_list("source__name", "target__name").get(
        pk=event.transition_id
    )
    activity_record(
        type=Type.MOVE,
        actor_id=event.by_id,
        kind=Kind.IDEA,
        object_id=event.idea_id,
        post_id=event.idea_id,
        detail={"origin": source or "", "target": target},
    )


def release_approved(event: PlacementApproved) -> None:
    activity_released(post_id=event.post.pk)


def release_approved_reply(event: ReplyApproved) -> None:
    activity_released(post_id=event.reply.pk)


def register() -> None:
    subscribe(PostPublished, record_published)
    subscribe(PostEdited, record_edited)
    subscribe(PostDeleted, record_deleted)
    subscribe(ReactionAdded, record_reaction)
    subscribe(PersonFollowed, record_follow)
    subscribe(MemberAdded, record_joined)
    subscribe(MemberRemoved, record_left)
    subscribe(PlacementApproved, release_approved)
    subscribe(ReplyApproved, release_approved_reply)
    subscribe(AnswerAccepted, record_accepted)
    subscribe(IdeaSubmitted, record_idea_submitted)
    subscribe(IdeaMoved, record_idea_moved)
