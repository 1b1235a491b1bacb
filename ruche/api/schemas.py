"""What the API reads and writes. Outputs are built from the objects the selectors return (already
hydrated: reactions, replies, the viewer's state), so serialising a page adds no query."""

import uuid
from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from ninja import Field, Schema

from ruche.core.ids import ID_MAX
from ruche.files.display import media_url
from ruche.posts.models import Reaction
from ruche.posts.selectors import attachments_of_post

# Every id an API input takes: positive and within a bigint, so that SQLite and PostgreSQL refuse the
# same values the same way (422) before any query. A test checks no integer input goes unbounded.
Id = Annotated[int, Field(ge=1, le=ID_MAX)]
Whole = Annotated[int, Field(ge=-ID_MAX, le=ID_MAX)]  # any other integer: the service judges its range

KIND_OF_EMOJI = {emoji: kind for kind, emoji in Reaction.EMOJI.items()}
PAGE_LIMIT = 50


class CursorQuery(Schema):
    """`?before=<next_cursor of the previous page>`: keyset pagination, newest first."""

    before: Id | None = None


class PageQuery(CursorQuery):
    """The cursor, and `limit` (1 to 50) items a page."""

    limit: int | None = Field(None, ge=1, le=PAGE_LIMIT)


# People ------------------------------------------------------------------------------------------


class PersonRef(Schema):
    id: int
    handle: str
    name: str
    job_title: str
    url: str
    active: bool

    @staticmethod
    def resolve_name(obj):
        return obj.full_name

    @staticmethod
    def resolve_job_title(obj):
        profile = getattr(obj, "profile", None)
        return profile.job_title if profile else ""

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_active(obj):
        return obj.is_active


class NamedRef(Schema):
    id: int
    name: str


class PersonOut(PersonRef):
    # Dotted aliases read the profile's fields (django-ninja resolves them attribute by attribute).
    department: NamedRef | None = Field(alias="profile.department")
    site: NamedRef | None = Field(alias="profile.site")
    manager: PersonRef | None = Field(alias="profile.manager")
    bio: str = Field(alias="profile.bio")
    ask_me_about: str = Field(alias="profile.ask_me_about")
    languages: str = Field(alias="profile.languages")
    phone: str = Field(alias="profile.phone")
    skills: list[NamedRef]
    reports: list[PersonRef]
    follower_count: int
    following_count: int
    is_followed: bool

    @staticmethod
    def resolve_skills(obj):
        return list(obj.profile.skills.all())

    @staticmethod
    def resolve_reports(obj):
        return obj.reports_list


class PersonListItem(PersonRef):
    department: NamedRef | None = Field(alias="profile.department")
    site: NamedRef | None = Field(alias="profile.site")


class PeoplePage(Schema):
    items: list[PersonListItem]
    page: int
    pages: int
    count: int
    next_page: int | None


class FollowOut(Schema):
    following: bool


# Communities -------------------------------------------------------------------------------------


class CommunityRef(Schema):
    id: int
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class CommunityOut(CommunityRef):
    description: str
    kind: str
    visibility: str
    is_company_wide: bool
    archived_at: datetime | None
    member_count: int
    last_activity_at: datetime | None
    premoderate_posts: bool
    premoderate_replies: bool
    my_role: str | None = None


class Abilities(Schema):
    can_read: bool
    can_join: bool
    can_request: bool
    can_post: bool
    can_leave: bool
    can_moderate: bool
    can_manage: bool


class CommunityDetail(CommunityOut):
    abilities: Abilities
    pending_request: bool


class CommunityList(Schema):
    items: list[CommunityOut]


class MemberOut(Schema):
    person: PersonRef = Field(..., alias="user")
    role: str
    since: datetime = Field(..., alias="created")


class MemberList(Schema):
    items: list[MemberOut]


class MembershipOut(Schema):
    community: str
    role: str | None


class JoinRequestIn(Schema):
    message: str = Field("", max_length=500)


class JoinRequestOut(Schema):
    id: int
    status: str
    created: datetime


class InvitationIn(Schema):
    accept: bool


class LeaveIn(Schema):
    reason: str = Field("", max_length=500)


# Posts -------------------------------------------------------------------------------------------


class ReactionCount(Schema):
    kind: str
    emoji: str
    count: int


def _reactions(obj) -> list[dict]:
    return [
        {"kind": KIND_OF_EMOJI.get(emoji, ""), "emoji": emoji, "count": n}
        for emoji, n in getattr(obj, "reaction_summary", [])
    ]


class AttachmentOut(Schema):
    """A file attached to a post (or uploaded, waiting to be). Its addresses are served by Ruche, to
    those who may read what holds it; `thumbnail_url` for images only."""

    id: int
    name: str
    kind: Literal["image", "document"]
    content_type: str
    size: int
    width: int | None
    height: int | None
    url: str
    thumbnail_url: str | None

    @staticmethod
    def resolve_url(obj):
        return media_url(obj.file.name)

    @staticmethod
    def resolve_thumbnail_url(obj):
        return media_url(obj.thumbnail.name) if obj.thumbnail else None


class PostCore(Schema):
    """A post or a reply, without what a card adds (reactions summary, replies)."""

    id: int
    parent_id: int | None
    author: PersonRef
    body: str
    body_html: str
    created: datetime
    edited_at: datetime | None
    hidden: bool
    hidden_reason: str
    awaiting_approval: bool
    reply_count: int
    reaction_count: int
    url: str
    attachments: list[AttachmentOut]

    @staticmethod
    def resolve_attachments(obj):
        found = getattr(obj, "files", None)  # a card's, fetched for the whole page (posts.selectors.hydrate)
        return found if found is not None else attachments_of_post(obj)

    @staticmethod
    def resolve_hidden(obj):
        return obj.hidden_at is not None

    @staticmethod
    def resolve_hidden_reason(obj):
        # A hidden post reaches no one but its author (visible_posts), who is told why.
        return obj.hidden_reason if obj.hidden_at else ""

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


class ReplyOut(PostCore):
    reactions: list[ReactionCount]
    my_reaction: str | None = None
    vote_count: int
    is_accepted: bool
    my_vote: bool
    can_vote: bool

    @staticmethod
    def resolve_reactions(obj):
        return _reactions(obj)

    @staticmethod
    def resolve_my_reaction(obj):
        return getattr(obj, "my_reaction", None)

    @staticmethod
    def resolve_is_accepted(obj):
        return getattr(obj, "is_accepted", False)

    @staticmethod
    def resolve_my_vote(obj):
        return getattr(obj, "my_vote", False)

    @staticmethod
    def resolve_can_vote(obj):
        return getattr(obj, "can_vote", False)


class QuestionState(Schema):
    state: Literal["unanswered", "open", "resolved"]
    accepted_answer_id: int | None
    first_answer_at: datetime | None
    accepted_at: datetime | None


class LinkPreviewOut(Schema):
    """The page a post links to, as Ruche fetched it; `image_url` is served by Ruche, to readers of the post."""

    url: str
    title: str
    description: str
    site_name: str
    image_url: str | None

    @staticmethod
    def resolve_image_url(obj):
        return obj.image.url if obj.image else None


def _link_preview(obj):
    preview = obj.link_preview
    return preview if preview and preview.shows_something and not obj.link_preview_hidden else None


class SharedPostOut(Schema):
    """The original of a share, as a reader who may read it sees it embedded."""

    id: int
    author: PersonRef
    body: str
    body_html: str
    created: datetime
    edited_at: datetime | None
    url: str
    communities: list[CommunityRef]  # those the reader may know of
    link_preview: LinkPreviewOut | None = None

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_communities(obj):
        return getattr(obj, "communities", [])

    @staticmethod
    def resolve_link_preview(obj):
        return _link_preview(obj)


class SharedOut(Schema):
    """A share's original: `available` false (and `post` null, nothing of it) when it is gone,
    hidden, or not for the reader to read."""

    available: bool
    post: SharedPostOut | None


class PostOut(PostCore):
    link_preview: LinkPreviewOut | None = None
    share_count: int  # how many live shares of this post there are
    shared: SharedOut | None = None  # null unless this post is a share
    saved: bool = False  # in your saved posts
    communities: list[CommunityRef]
    waiting_in: list[CommunityRef]
    reactions: list[ReactionCount]
    my_reaction: str | None = None
    replies: list[ReplyOut]
    more_replies: int
    question: QuestionState | None
    feed_reason: str | None = None
    why: str | None = None  # the home feed's line saying why the post is there, in your language

    @staticmethod
    def resolve_link_preview(obj):
        return _link_preview(obj)

    @staticmethod
    def resolve_shared(obj):
        if not obj.is_share:
            return None
        shared = getattr(obj, "shared", None)  # set by hydrate(); without it, nothing is shown
        original = shared.post if shared is not None else None
        return {"available": original is not None, "post": original}

    @staticmethod
    def resolve_communities(obj):
        return getattr(obj, "communities", [])

    @staticmethod
    def resolve_waiting_in(obj):
        return getattr(obj, "waiting_in", [])

    @staticmethod
    def resolve_reactions(obj):
        return _reactions(obj)

    @staticmethod
    def resolve_my_reaction(obj):
        return getattr(obj, "my_reaction", None)

    @staticmethod
    def resolve_replies(obj):
        return getattr(obj, "shown_replies", [])

    @staticmethod
    def resolve_more_replies(obj):
        return getattr(obj, "more_replies", 0)

    @staticmethod
    def resolve_question(obj):
        if not getattr(obj, "is_question", False):
            return None
        question = obj.question
        if question.accepted_answer_id:
            state = "resolved"
        elif question.first_answer_at:
            state = "open"
        else:
            state = "unanswered"
        return {
            "state": state,
            "accepted_answer_id": question.accepted_answer_id,
            "first_answer_at": question.first_answer_at,
            "accepted_at": question.accepted_at,
        }

    @staticmethod
    def resolve_feed_reason(obj):
        return getattr(obj, "feed_reason", None)

    @staticmethod
    def resolve_why(obj):
        why = getattr(obj, "why", None)
        return str(why) if why else None


class PostPage(Schema):
    items: list[PostOut]
    next_cursor: int | None


class HashtagOut(Schema):
    key: str
    name: str
    follower_count: int
    following: bool = False


class HashtagPage(PostPage):
    hashtag: HashtagOut


ATTACHMENTS = Field(
    default_factory=list, max_length=10, description="Ids of files you uploaded (POST /files/), in order."
)


class PostIn(Schema):
    body: str = Field("", max_length=settings.POST_MAX_LENGTH)  # may be empty when files are attached
    communities: list[Id] = Field(default_factory=list, max_length=50)
    client_token: uuid.UUID | None = None
    attachments: list[Id] = ATTACHMENTS


class ShareIn(Schema):
    body: str = Field("", max_length=settings.POST_MAX_LENGTH)  # the sharer's comment, may be empty
    communities: list[Id] = Field(default_factory=list, max_length=50)  # none: followers and company feed
    client_token: uuid.UUID | None = None


class ReplyIn(Schema):
    body: str = Field("", max_length=settings.POST_MAX_LENGTH)
    client_token: uuid.UUID | None = None
    attachments: list[Id] = ATTACHMENTS


class EditIn(Schema):
    body: str = Field(..., max_length=settings.POST_MAX_LENGTH)
    attachments: list[Id] | None = Field(
        None, max_length=10, description="The files the post keeps or gains, in order; absent: unchanged."
    )


class ReactionIn(Schema):
    kind: str = Field(..., max_length=20)


class ReactionOut(Schema):
    kind: str
    emoji: str


class ReactorOut(ReactionOut):
    person: PersonRef = Field(..., alias="user")
    created: datetime


class ReactorList(Schema):
    items: list[ReactorOut]


class HashtagFollowOut(Schema):
    following: bool


# Notifications -----------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    actor: PersonRef
    actor_count: int
    post_id: int | None
    thread_id: int | None
    community: CommunityRef | None
    campaign_id: int | None  # an innovation campaign (opened, closing soon)
    announcement_id: int | None
    detail: str
    created: datetime
    read_at: datetime | None
    unread: bool

    @staticmethod
    def resolve_kind_label(obj):
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_thread_id(obj):
        if obj.post_id is None:
            return None
        return obj.post.parent_id or obj.post_id

    @staticmethod
    def resolve_unread(obj):
        return obj.read_at is None


class NotificationPage(Schema):
    items: list[NotificationOut]
    next_cursor: int | None


class Count(Schema):
    count: int


# Questions ---------------------------------------------------------------------------------------


class ExpertsIn(Schema):
    user_ids: list[Id] = Field(..., min_length=1, max_length=20)


class ExpertsOut(Schema):
    asked: list[PersonRef]


class VoteOut(Schema):
    voted: bool
    vote_count: int


class AcceptOut(Schema):
    question_id: int
    accepted_answer_id: int | None


# Tokens ------------------------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str


class TokenIn(Schema):
    name: str = Field(..., max_length=100)


class TokenList(Schema):
    items: list[TokenOut]
