"""The digest: once a day or a week (each person's choice, weekly by default, or never), the most
relevant activity they missed.

Sections, each computed for a batch of people at once (a few queries per batch, never per person):
- top posts of their communities (muted ones left out), ranked by reactions and replies, which they
  did not write, react to, reply to, or read a notification about;
- new answers to questions they asked or took part in (answered, voted), not already read;
- their unread notifications of the kinds they want in the digest, not already e-mailed.
Other apps add sections with `register_section` (ideas: "campaigns closing soon").

Idempotent per period: each person gets at most one digest per period key ("digest:w:2026-W48"),
enforced by a unique constraint on the outbox (Email.key), so a second run, a crash and a rerun,
or two workers at once, never send two.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import batched

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ruche.accounts.models import User
from ruche.core import markdown
from ruche.notifications.mail import render_email
from ruche.notifications.models import (
    Channel,
    CommunityPreference,
    DigestPreference,
    Email,
    KindPreference,
    Notification,
    ThreadMute,
)
from ruche.notifications.preferences import DEFAULT_FREQUENCY, DIGEST, default_enabled
from ruche.posts.models import Post, Reaction
from ruche.posts.policies import readers_of

Frequency = DigestPreference.Frequency
TOP_POSTS = 5
TOP_PER_COMMUNITY = 10
ANSWERS = 5
NOTIFICATIONS = 5


@dataclass
class Item:
    url: str
    author: str
    excerpt: str
    reactions: int = 0
    replies: int = 0
    notification: Notification | None = None


@dataclass
class Section:
    name: str
    # collect(users, since, now, run) -> {user_id: [Item, ...]}; `run` is a dict kept for the whole
    # run (cache what does not depend on the person there).
    collect: Callable[[list, datetime, datetime, dict], dict[int, list[Item]]]
    extra: dict = field(default_factory=dict)


SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    """For other apps: a digest section (e.g. ruche.ideas, "campaigns closing soon")."""
    SECTIONS[:] = [s for s in SECTIONS if s.name != section.name] + [section]


def period(frequency: str, now: datetime) -> tuple[str, datetime]:
    """The period's key (one digest per person and key) and the start of what it covers."""
    local = timezone.localtime(now)
    if frequency == Frequency.DAILY:
        return f"{DIGEST}:d:{local.date().isoformat()}", now - timedelta(days=1)
    year, week, _day = local.isocalendar()
    return f"{DIGEST}:w:{year}-W{week:02d}", now - timedelta(days=7)


def _post_item(post: Post) -> Item:
    return Item(
        url=settings.SITE_URL + post.get_absolute_url(),
        author=post.author.full_name,
        excerpt=markdown.excerpt(post.body_html, 200),
        reactions=post.reaction_count,
        replies=post.reply_count,
    )


def _post_fields(posts):
    return posts.select_related("author").only(
        "pk", "parent_id", "campaign_id", "body_html", "created", "reaction_count", "reply_count",
        "author__first_name", "author__last_name", "author__handle",
    )  # fmt: skip


def _already_engaged(ids: list[int], post_ids: set[int]) -> set[tuple[int, int]]:
    """(person, post) pairs where the person already knows the post: wrote it (checked by the
    caller), reacted, replied in it, read a notification about it, or muted it."""
    if not post_ids:
        return set()
    known = set(
        Reaction.objects.filter(user_id__in=ids, post_id__in=post_ids).values_list("user_id", "post_id")
    )
    known |= set(
        Post.objects.filter(author_id__in=ids, parent_id__in=post_ids).values_list("author_id", "parent_id")
    )
    read = Notification.objects.filter(recipient_id__in=ids, read_at__isnull=False)
    known |= set(read.filter(post_id__in=post_ids).values_list("recipient_id", "post_id"))
    known |= set(read.filter(post__parent_id__in=post_ids).values_list("recipient_id", "post__parent_id"))
    known |= set(
        ThreadMute.objects.filter(user_id__in=ids, post_id__in=post_ids).values_list("user_id", "post_id")
    )
    return known


def _published(posts):
    return posts.filter(deleted_at__isnull=True, hidden_at__isnull=True, awaiting_approval=False)


def top_posts(users: list, since: datetime, now: datetime, run: dict) -> dict[int, list[Item]]:
    """Top posts of the communities each person belongs to (not muted). Reading them is allowed by
    construction: an approved placement in a community one is a member of (posts.policies)."""
    from ruche.communities.models import Membership, Placement

    ids = [u.pk for u in users]
    muted = set(
        CommunityPreference.objects.filter(user_id__in=ids, level=CommunityPreference.Level.MUTE).values_list(
            "user_id", "community_id"
        )
    )
    member_of: dict[int, list[int]] = defaultdict(list)
    for user_id, community_id in Membership.objects.filter(
        user_id__in=ids, community__archived_at__isnull=True
    ).values_list("user_id", "community_id"):
        if (user_id, community_id) not in muted:
            member_of[user_id].append(community_id)
    tops: dict[int, list[int]] = run.setdefault("top_by_community", {})
    posts: dict[int, Post] = run.setdefault("top_posts", {})
    missing = {c for cs in member_of.values() for c in cs} - tops.keys()
    if missing:
        placed = Placement.objects.filter(
            community_id__in=missing,
            status=Placement.Status.APPROVED,
            post__parent__isnull=True,
            post__created__gte=since,
            post__created__lt=now,
            post__deleted_at__isnull=True,
            post__hidden_at__isnull=True,
            post__awaiting_approval=False,
        ).values_list("community_id", "post_id", "post__reaction_count", "post__reply_count")
        ranked: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for community_id, post_id, reactions, replies in placed:
            ranked[community_id].append((reactions + 2 * replies, post_id))
        for community_id in missing:
            tops[community_id] = [
                p for _s, p in sorted(ranked[community_id], reverse=True)[:TOP_PER_COMMUNITY]
            ]
        wanted = {p for c in missing for p in tops[c]} - posts.keys()
        posts.update((p.pk, p) for p in _post_fields(Post.objects.filter(pk__in=wanted)))
    candidates = {p for cs in member_of.values() for c in cs for p in tops[c]}
    known = _already_engaged(ids, candidates)
    result = {}
    for user_id, communities in member_of.items():
        mine = {p for c in communities for p in tops[c]}
        chosen = [posts[p] for p in mine if posts[p].author_id != user_id and (user_id, p) not in known]
        chosen.sort(key=lambda p: (p.reaction_count + 2 * p.reply_count, p.created), reverse=True)
        if chosen:
            result[user_id] = [_post_item(p) for p in chosen[:TOP_POSTS]]
    return result


def answers(users: list, since: datetime, now: datetime, run: dict) -> dict[int, list[Item]]:
    """New answers to the questions each person asked, answered or voted on."""
    from ruche.qa.models import AnswerVote

    if "answers" not in run:
        recent = _published(
            Post.objects.filter(parent__question__isnull=False, created__gte=since, created__lt=now)
        )
        recent = recent.filter(parent__deleted_at__isnull=True, parent__hidden_at__isnull=True)
        by_question: dict[int, list[Post]] = defaultdict(list)
        for answer in _post_fields(recent).order_by("-created"):
            by_question[answer.parent_id].append(answer)
        run["answers"] = by_question
        run["askers"] = dict(Post.objects.filter(pk__in=by_question).values_list("pk", "author_id"))
    by_question = run["answers"]
    if not by_question:
        return {}
    ids = [u.pk for u in users]
    followed: dict[int, set[int]] = defaultdict(set)
    asked: set[tuple[int, int]] = set()
    for question_id, asker in run["askers"].items():
        if asker in ids:
            followed[asker].add(question_id)
            asked.add((asker, question_id))
    took_part = Post.objects.filter(parent_id__in=by_question, author_id__in=ids).values_list(
        "author_id", "parent_id"
    )
    voted = AnswerVote.objects.filter(answer__parent_id__in=by_question, user_id__in=ids).values_list(
        "user_id", "answer__parent_id"
    )
    for user_id, question_id in {*took_part, *voted}:
        followed[user_id].add(question_id)
    answer_ids = {a.pk for q in followed.values() for qid in q for a in by_question[qid]}
    read = set(
        Notification.objects.filter(
            recipient_id__in=ids, read_at__isnull=False, post_id__in=answer_ids
        ).values_list("recipient_id", "post_id")
    )
    muted = set(
        ThreadMute.objects.filter(user_id__in=ids, post_id__in=by_question).values_list("user_id", "post_id")
    )
    # Someone who answered may since have left the private community of the question: the
    # policies decide again, for the whole batch at once.
    unsure = {q for user_id, qs in followed.items() for q in qs if (user_id, q) not in asked}
    readers = readers_of(Post.objects.select_related("parent").filter(pk__in=unsure), ids) if unsure else {}
    result = {}
    for user_id, questions in followed.items():
        questions = {
            q
            for q in questions
            if (user_id, q) not in muted and ((user_id, q) in asked or user_id in readers.get(q, ()))
        }
        chosen = [
            a
            for q in questions
            for a in by_question[q]
            if a.author_id != user_id and (user_id, a.pk) not in read
        ]
        chosen.sort(key=lambda a: a.created, reverse=True)
        if chosen:
            result[user_id] = [_post_item(a) for a in chosen[:ANSWERS]]
    return result


def unread(users: list, since: datetime, now: datetime, run: dict) -> dict[int, list[Item]]:
    """Unread notifications of the period, of kinds wanted in the digest, not already e-mailed, about
    what the person may still read: the same rule as their notifications page, for the whole batch."""
    ids = [u.pk for u in users]
    rows = Notification.objects.filter(
        recipient_id__in=ids, read_at__isnull=True, created__gte=since, created__lt=now
    ).exclude(email__state=Email.State.SENT)
    # Each person's latest 50, in one query for the batch.
    latest = rows.annotate(
        rank=Window(RowNumber(), partition_by=[F("recipient_id")], order_by=F("id").desc())
    ).filter(rank__lte=50)
    candidates = list(latest.select_related("actor", "post", "post__parent", "community").order_by("-id"))
    if not candidates:
        return {}
    chosen = defaultdict(dict)
    for user_id, kind, enabled in KindPreference.objects.filter(
        user_id__in={n.recipient_id for n in candidates}, channel=Channel.DIGEST
    ).values_list("user_id", "kind", "enabled"):
        chosen[user_id][kind] = enabled
    may_read = _readers_of_notifications(candidates, ids)
    mine = defaultdict(list)
    for n in candidates:
        wanted = chosen[n.recipient_id].get(n.kind, default_enabled(n.kind, Channel.DIGEST))
        if wanted and may_read(n) and len(mine[n.recipient_id]) < NOTIFICATIONS:
            mine[n.recipient_id].append(n)
    return {
        user_id: [
            Item(url=settings.SITE_URL + n.target_url(), author=n.actor.full_name, excerpt="", notification=n)
            for n in notifications
        ]
        for user_id, notifications in mine.items()
    }


def _readers_of_notifications(notifications: list[Notification], ids: list[int]) -> Callable:
    """Whether a notification's recipient may still read what it is about (its post, its thread, its
    campaign): `notifications.selectors`' rule, asked of a batch in a few queries."""
    from ruche.ideas.policies import campaign_viewers

    posts = {n.post_id: n.post for n in notifications if n.post_id}
    readers = readers_of(posts.values(), ids)
    campaigns = {n.campaign_id for n in notifications if n.campaign_id}
    viewers = {c: campaign_viewers(c, ids) for c in campaigns}

    def may_read(n: Notification) -> bool:
        post_ok = n.post_id is None or n.recipient_id in readers[n.post_id]
        return post_ok and (n.campaign_id is None or n.recipient_id in viewers[n.campaign_id])

    return may_read


register_section(Section("top_posts", top_posts))
register_section(Section("answers", answers))
register_section(Section("unread", unread))


def _people(frequency: str, key: str):
    people = User.objects.filter(is_active=True, activated_at__isnull=False).exclude(email="")
    chose = DigestPreference.objects.filter(user_id=OuterRef("pk"))
    if frequency == DEFAULT_FREQUENCY:
        people = people.filter(~Exists(chose) | Exists(chose.filter(frequency=frequency)))
    else:
        people = people.filter(Exists(chose.filter(frequency=frequency)))
    return people.exclude(Exists(Email.objects.filter(recipient_id=OuterRef("pk"), key=key)))


def digests_build(
    *, frequency: str, now: datetime | None = None, batch_size: int = 500, on_batch: Callable | None = None
) -> dict[str, int]:
    """Queue this period's digest for everyone who wants one at this frequency and has not had it.
    People with nothing to read get a SKIPPED row: the period is settled for them too. The people
    are taken `batch_size` at a time (memory stays flat); `on_batch(counts)` after each batch."""
    if frequency not in (Frequency.DAILY, Frequency.WEEKLY):
        raise ValueError(frequency)
    now = now or timezone.now()
    key, since = period(frequency, now)
    counts = {"queued": 0, "empty": 0}
    run: dict = {}
    ids = list(_people(frequency, key).order_by("pk").values_list("pk", flat=True))
    for chunk in batched(ids, batch_size):
        users = list(
            User.objects.filter(pk__in=chunk).only(
                "pk", "email", "language", "first_name", "last_name", "handle", "is_active"
            )
        )
        found = [(section, section.collect(users, since, now, run)) for section in SECTIONS]
        rows = []
        for user in users:
            sections = [(section.name, items[user.pk]) for section, items in found if items.get(user.pk)]
            if not sections:
                rows.append(Email(recipient=user, kind=DIGEST, key=key, state=Email.State.SKIPPED))
                counts["empty"] += 1
                continue
            subject, text, html = render_email(
                recipient=user,
                kind=DIGEST,
                template="notifications/email/digest",
                context={
                    "sections": dict(sections),
                    "frequency": frequency,
                    "count": sum(len(i) for _n, i in sections),
                },
            )
            rows.append(
                Email(recipient=user, kind=DIGEST, key=key, subject=subject, text=text, html=html, due_at=now)
            )
            counts["queued"] += 1
        Email.objects.bulk_create(rows, ignore_conflicts=True)
        if on_batch:
            on_batch(counts)
    return counts


def frequencies_due(now: datetime) -> list[str]:
    """Which digests are due today at the configured hour (daily every day, weekly from its day)."""
    local = timezone.localtime(now)
    due = [Frequency.DAILY]
    # From its day to the end of the ISO week: a server that was down on the day catches up (the
    # week's key keeps it to one digest).
    if local.weekday() >= settings.DIGEST_WEEKDAY:
        due.append(Frequency.WEEKLY)
    return due
