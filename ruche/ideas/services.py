"""Writes on campaigns, ideas, votes, reviews and workflows. Every refusal is a translated
ValidationError (bad input, naming the field) or PermissionDenied (not allowed), and changes nothing."""

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.core import markdown
from ruche.core.events import publish
from ruche.core.images import reencoded_image
from ruche.core.text import fold
from ruche.ideas import policies
from ruche.ideas.events import IdeaMoved, IdeaSubmitted
from ruche.ideas.models import (
    DEFAULT_CRITERIA,
    Campaign,
    CoAuthor,
    Criterion,
    Idea,
    IdeaFollow,
    IdeaTransition,
    Review,
    Score,
    Stage,
    Target,
    Transition,
    Vote,
    Workflow,
)
from ruche.ideas.workflow import default_workflow

TITLE_MAX = 200
MAX_COAUTHORS = 5
MAX_TAGS = 10
REMINDER_BEFORE = datetime.timedelta(hours=48)


# Campaigns -----------------------------------------------------------------------------------------


# What a campaign's form sets, passed as they are from campaign_create and campaign_update.
CAMPAIGN_FIELDS = (
    *("title", "brief", "starts_at", "ends_at", "everyone", "departments", "sites", "communities"),
    *("people", "audience", "managers", "reviewers", "cover"),
)


def _save_campaign(
    campaign: Campaign,
    *,
    by: User,
    title: str,
    brief: str,
    starts_at,
    ends_at,
    everyone: bool,
    departments,
    sites,
    communities,
    people,
    audience: str,
    managers,
    reviewers,
    cover,
) -> Campaign:
    """Check everything (all the errors at once, by field), then write the campaign and its population."""
    errors = {}
    title, brief = (title or "").strip(), (brief or "").strip()
    if not title:
        errors["title"] = _("Give the campaign a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("A title is limited to %(max)d characters.") % {"max": TITLE_MAX}
    if not brief:
        errors["brief"] = _("Write the question or brief put to the population.")
    if starts_at is None:
        errors["starts_at"] = _("Choose when the campaign starts.")
    if ends_at is None:
        errors["ends_at"] = _("Choose when the campaign ends.")
    elif starts_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    if not everyone and not (departments or sites or communities or people):
        errors["everyone"] = _(
            "Choose the target population: the whole company, or departments, sites, communities or people."
        )
    if audience not in Campaign.Audience.values:
        errors["audience"] = _("Choose who may vote and comment.")
    if errors:
        raise ValidationError(errors)
    campaign.title, campaign.brief, campaign.brief_html = title, brief, markdown.render_plain(brief)
    campaign.starts_at, campaign.ends_at = starts_at, ends_at
    campaign.everyone, campaign.audience = everyone, audience
    if cover:
        campaign.cover = reencoded_image(cover, field="cover")  # no EXIF/GPS, an unguessable name
    campaign.save()
    campaign.targets.all().delete()
    if not everyone:
        Target.objects.bulk_create(
            [Target(campaign=campaign, department=d) for d in departments]
            + [Target(campaign=campaign, site=s) for s in sites]
            + [Target(campaign=campaign, community=c) for c in communities]
            + [Target(campaign=campaign, user=u) for u in people]
        )
    campaign.managers.set({by, *managers})
    campaign.reviewers.set(reviewers)
    return campaign


@transaction.atomic
def campaign_create(
    *,
    by: User,
    title: str,
    brief: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    everyone: bool = False,
    departments=(),
    sites=(),
    communities=(),
    people=(),
    audience: str = Campaign.Audience.POPULATION,
    workflow: Workflow | None = None,
    managers=(),
    reviewers=(),
    cover=None,
    criteria=None,
) -> Campaign:
    """A campaign in draft: its managers prepare it, then open it (`campaign_open`)."""
    if not policies.can_create_campaign(by):
        raise PermissionDenied(_("Only innovation managers can create campaigns."))
    fields = {name: value for name, value in locals().items() if name in CAMPAIGN_FIELDS}
    campaign = _save_campaign(
        Campaign(workflow=workflow or default_workflow(), created_by=by), by=by, **fields
    )
    names = [n.strip() for n in (criteria or DEFAULT_CRITERIA) if n.strip()]
    Criterion.objects.bulk_create(
        [Criterion(campaign=campaign, name=n[:80], order=i) for i, n in enumerate(names)]
    )
    return campaign


@transaction.atomic
def campaign_update(
    *,
    campaign: Campaign,
    by: User,
    title: str,
    brief: str,
    starts_at,
    ends_at,
    everyone: bool = False,
    departments=(),
    sites=(),
    communities=(),
    people=(),
    audience: str = Campaign.Audience.POPULATION,
    managers=(),
    reviewers=(),
    cover=None,
) -> Campaign:
    """Change a campaign (its population too: opened already, the newcomers are not notified again)."""
    if not policies.can_manage(by, campaign):
        raise PermissionDenied(_("Only the campaign's managers can change it."))
    fields = {name: value for name, value in locals().items() if name in CAMPAIGN_FIELDS}
    return _save_campaign(campaign, by=by, **fields)


@transaction.atomic
def campaign_open(*, campaign: Campaign, by: User) -> Campaign:
    """Open the campaign: its population sees it and is notified, by the task worker, in bulk."""
    from ruche.ideas.tasks import notify_campaign_opened

    if not policies.can_manage(by, campaign):
        raise PermissionDenied(_("Only the campaign's managers can open it."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.opened_at is not None:
        raise ValidationError(_("This campaign is already open."))
    if campaign.ends_at <= timezone.now():
        raise ValidationError({"ends_at": _("The end date is past: move it before opening the campaign.")})
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["opened_at"])
    notify_campaign_opened.enqueue(campaign_id=campaign.pk, actor_id=by.pk)
    return campaign


@transaction.atomic
def campaigns_remind_closing(*, now: datetime.datetime | None = None) -> list[int]:
    """Remind the population of each open campaign closing within REMINDER_BEFORE (once per campaign).
    Run every hour by `manage.py ideas_remind` (cron or a systemd timer)."""
    from ruche.ideas.tasks import notify_campaign_closing

    now = now or timezone.now()
    due = list(
        Campaign.objects.select_for_update()
        .filter(opened_at__isnull=False, reminded_at__isnull=True, starts_at__lte=now, ends_at__gt=now)
        .filter(ends_at__lte=now + REMINDER_BEFORE)
        .values_list("pk", flat=True)
    )
    Campaign.objects.filter(pk__in=due).update(reminded_at=now)
    for pk in due:
        notify_campaign_closing.enqueue(campaign_id=pk)
    return due


# Ideas ---------------------------------------------------------------------------------------------


def title_key(title: str) -> str:
    return " ".join(fold(title).split())[:200]


def _tags(names) -> list:
    from ruche.posts.services import hashtag_for, refuse_long_tags

    names = [name.strip().lstrip("#").strip() for name in names]
    refuse_long_tags(names, field="tags")
    keys = {}
    for name in names:
        if name:
            keys.setdefault(fold(name), name)
    if len(keys) > MAX_TAGS:
        raise ValidationError({"tags": _("Up to %(max)d tags.") % {"max": MAX_TAGS}})
    return [hashtag_for(key, name) for key, name in keys.items()]


def first_stage(workflow: Workflow) -> Stage:
    stage = workflow.stages.order_by("order", "id").first()
    if stage is None:
        raise ValidationError(_("This campaign's workflow has no stage: an admin must add one."))
    return stage


def idea_submit(
    *,
    campaign: Campaign,
    author: User,
    title: str,
    description: str,
    tags=(),
    coauthors=(),
    client_token: uuid.UUID | None = None,
    attachments=(),
) -> Idea:
    """Submit an idea: a post inside the campaign (its discussion), plus what makes it an idea, with
    the files `attachments` names (ruche.files)."""
    if client_token and (done := Idea.objects.filter(author=author, post__client_token=client_token).first()):
        return done
    return _idea_submit(
        campaign=campaign,
        author=author,
        title=title,
        description=description,
        tags=tags,
        coauthors=coauthors,
        client_token=client_token,
        attachments=attachments,
    )


@transaction.atomic
def _idea_submit(*, campaign, author, title, description, tags, coauthors, client_token, attachments) -> Idea:
    from ruche.ideas.tasks import notify_coauthors
    from ruche.posts.services import post_create

    if not policies.accepts_ideas(campaign):
        if campaign.opened_at is not None and timezone.now() >= campaign.ends_at:
            raise ValidationError(_("This campaign is closed: it no longer takes ideas."))
        raise ValidationError(_("This campaign is not open yet."))
    if not policies.in_population(author, campaign):
        raise PermissionDenied(_("This campaign is not aimed at you: you cannot submit ideas to it."))
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give your idea a title.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("A title is limited to %(max)d characters.") % {"max": TITLE_MAX}
    if not (description or "").strip():
        errors["description"] = _("Describe your idea.")
    others = {u.pk: u for u in coauthors if u.pk != author.pk}
    if len(others) > MAX_COAUTHORS:
        errors["coauthors"] = _("Up to %(max)d co-authors.") % {"max": MAX_COAUTHORS}
    elif outside := [u.full_name for u in others.values() if not policies.in_audience(u, campaign)]:
        errors["coauthors"] = _("%(names)s cannot take part in this campaign.") % {
            "names": ", ".join(outside)
        }
    if errors:
        raise ValidationError(errors)
    hashtags = _tags(tags)
    try:
        post = post_create(
            author=author,
            body=description,
            client_token=client_token,
            campaign=campaign,
            attachments=attachments,
        )
    except ValidationError as error:
        if "attachments" in getattr(error, "error_dict", {}):
            raise
        raise ValidationError({"description": error.messages}) from None
    idea = Idea.objects.create(
        post=post,
        campaign=campaign,
        title=title,
        title_key=title_key(title),
        author=author,
        stage=first_stage(campaign.workflow),
        created=post.created,
        moved_at=post.created,
        follower_count=1,
    )
    idea.tags.set(hashtags)
    IdeaFollow.objects.create(idea=idea, user=author)
    IdeaTransition.objects.create(idea=idea, source=None, target=idea.stage, by=author, at=post.created)
    CoAuthor.objects.bulk_create([CoAuthor(idea=idea, user=u) for u in others.values()])
    Campaign.objects.filter(pk=campaign.pk).update(idea_count=F("idea_count") + 1)
    if others:
        notify_coauthors.enqueue(idea_id=idea.pk, user_ids=list(others))
    publish(IdeaSubmitted(idea_id=idea.pk, author_id=author.pk, campaign_id=campaign.pk))
    return idea


@transaction.atomic
def coauthor_answer(*, idea: Idea, user: User, accept: bool) -> CoAuthor:
    invitation = CoAuthor.objects.select_for_update().filter(idea=idea, user=user).first()
    if invitation is None:
        raise PermissionDenied(_("You were not invited to co-author this idea."))
    if invitation.status != CoAuthor.Status.INVITED:
        raise ValidationError(_("You already answered this invitation."))
    invitation.status = CoAuthor.Status.ACCEPTED if accept else CoAuthor.Status.DECLINED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "answered_at"])
    if accept:
        _follow(idea, user)
    return invitation


@transaction.atomic
def idea_vote(*, idea: Idea, user: User) -> Vote:
    """One vote per person: the unique constraint decides between two simultaneous votes, and the
    counter moves by F() in the same transaction, so it always equals the number of votes."""
    if not policies.can_vote(user, idea):
        if not policies.accepts_ideas(idea.campaign):
            raise ValidationError(_("This campaign is closed: votes can no longer change."))
        raise PermissionDenied(_("You cannot vote in this campaign."))
    try:
        with transaction.atomic():
            vote = Vote.objects.create(idea=idea, user=user, campaign_id=idea.campaign_id)
    except IntegrityError:
        raise ValidationError(_("You have already voted for this idea.")) from None
    Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
    return vote


@transaction.atomic
def idea_unvote(*, idea: Idea, user: User) -> None:
    if not policies.accepts_ideas(idea.campaign):
        raise ValidationError(_("This campaign is closed: votes can no longer change."))
    removed, _rows = Vote.objects.filter(idea=idea, user=user).delete()
    if not removed:
        raise ValidationError(_("You have not voted for this idea."))
    Idea.objects.filter(pk=idea.pk, vote_count__gt=0).update(vote_count=F("vote_count") - 1)


def _follow(idea: Idea, user: User) -> bool:
    _row, created = IdeaFollow.objects.get_or_create(idea=idea, user=user)
    if created:
        Idea.objects.filter(pk=idea.pk).update(follower_count=F("follower_count") + 1)
    return created


@transaction.atomic
def idea_follow(*, idea: Idea, user: User) -> None:
    if not policies.can_follow(user, idea):
        raise PermissionDenied(_("You cannot follow this idea."))
    _follow(idea, user)


@transaction.atomic
def idea_unfollow(*, idea: Idea, user: User) -> None:
    removed, _rows = IdeaFollow.objects.filter(idea=idea, user=user).delete()
    if removed:
        Idea.objects.filter(pk=idea.pk, follower_count__gt=0).update(follower_count=F("follower_count") - 1)


@transaction.atomic
def idea_move(*, idea: Idea, stage: Stage, by: User, rationale: str = "") -> IdeaTransition:
    """Move an idea along one of its workflow's transitions; a decision needs a rationale. Recorded
    in the idea's history and notified to its authors and followers."""
    from ruche.ideas.tasks import notify_idea_moved

    if not policies.can_move(by, idea):
        raise PermissionDenied(_("Only the campaign's managers and review committee can move ideas."))
    idea = Idea.objects.select_for_update().select_related("campaign", "stage").get(pk=idea.pk)
    if idea.merged_into_id:
        raise ValidationError(_("This idea was merged into another one: move that one instead."))
    if stage.workflow_id != idea.campaign.workflow_id:
        raise ValidationError({"stage": _("This stage belongs to another workflow.")})
    if not Transition.objects.filter(source_id=idea.stage_id, target_id=stage.pk).exists():
        raise ValidationError(
            {"stage": _("The workflow does not allow moving an idea from “%(source)s” to “%(target)s”.")
             % {"source": idea.stage.label, "target": stage.label}}
        )  # fmt: skip
    rationale = (rationale or "").strip()
    if stage.decision and not rationale:
        raise ValidationError(
            {"rationale": _("“%(stage)s” is a decision: explain it.") % {"stage": stage.label}}
        )
    now = timezone.now()
    record = IdeaTransition.objects.create(
        idea=idea, source=idea.stage, target=stage, by=by, rationale=rationale[:5000], at=now
    )
    idea.stage, idea.moved_at = stage, now
    idea.save(update_fields=["stage", "moved_at"])
    notify_idea_moved.enqueue(transition_id=record.pk)
    publish(IdeaMoved(transition_id=record.pk, idea_id=idea.pk, by_id=by.pk))
    return record


@transaction.atomic
def idea_merge(*, duplicate: Idea, into: Idea, by: User) -> Idea:
    """Merge a duplicate into the idea kept: its votes and followers move over (someone who voted for
    both keeps one vote), and the duplicate points to the kept idea and leaves the lists."""
    from ruche.ideas.tasks import notify_idea_merged

    if not policies.can_manage(by, duplicate.campaign):
        raise PermissionDenied(_("Only the campaign's managers can merge ideas."))
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("An idea cannot be merged into itself.")})
    if duplicate.campaign_id != into.campaign_id:
        raise ValidationError({"into": _("Both ideas must belong to the same campaign.")})
    ideas = {i.pk: i for i in Idea.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])}
    duplicate, into = ideas[duplicate.pk], ideas[into.pk]
    if duplicate.merged_into_id:
        raise ValidationError(_("This idea was already merged."))
    if into.merged_into_id:
        raise ValidationError({"into": _("The idea to keep was itself merged into another one.")})
    kept_voters = Vote.objects.filter(idea=into).values("user_id")
    Vote.objects.filter(idea=duplicate).exclude(user_id__in=kept_voters).update(idea=into)
    Vote.objects.filter(idea=duplicate).delete()
    kept_followers = IdeaFollow.objects.filter(idea=into).values("user_id")
    IdeaFollow.objects.filter(idea=duplicate).exclude(user_id__in=kept_followers).update(idea=into)
    IdeaFollow.objects.filter(idea=duplicate).delete()
    _follow(into, duplicate.author)
    counts = Idea.objects.filter(pk=into.pk).aggregate(
        votes=Count("votes", distinct=True), followers=Count("follows", distinct=True)
    )
    Idea.objects.filter(pk=into.pk).update(vote_count=counts["votes"], follower_count=counts["followers"])
    Idea.objects.filter(pk=duplicate.pk).update(merged_into=into, vote_count=0, follower_count=0)
    Campaign.objects.filter(pk=duplicate.campaign_id, idea_count__gt=0).update(idea_count=F("idea_count") - 1)
    notify_idea_merged.enqueue(idea_id=duplicate.pk, actor_id=by.pk)
    into.refresh_from_db()
    return into


# Reviews -------------------------------------------------------------------------------------------


@transaction.atomic
def review_assign(*, idea: Idea, reviewer: User, by: User) -> Review:
    from ruche.ideas.tasks import notify_review_assigned

    idea = Idea.objects.select_related("campaign__workflow", "stage").get(pk=idea.pk)
    campaign = idea.campaign
    if not policies.can_manage(by, campaign):
        raise PermissionDenied(_("Only the campaign's managers can assign reviewers."))
    if not policies.is_committee_member(reviewer, campaign):
        raise ValidationError(
            {
                "reviewer": _("%(name)s is not on this campaign's review committee.")
                % {"name": reviewer.full_name}
            }
        )
    first = first_stage(campaign.workflow)
    if idea.stage_id == first.pk or idea.stage.terminal or idea.merged_into_id:
        raise ValidationError(_("Only shortlisted ideas, still in the running, are reviewed."))
    review, created = Review.objects.get_or_create(idea=idea, reviewer=reviewer, defaults={"assigned_by": by})
    if not created:
        raise ValidationError(
            {"reviewer": _("%(name)s already reviews this idea.") % {"name": reviewer.full_name}}
        )
    notify_review_assigned.enqueue(review_id=review.pk)
    return review


@transaction.atomic
def review_submit(*, idea: Idea, reviewer: User, scores: dict[int, int], comment: str = "") -> Review:
    """Score an assigned idea on each of the campaign's criteria (1 to 5); submitting again replaces."""
    review = Review.objects.select_for_update().filter(idea=idea, reviewer=reviewer).first()
    if review is None or not reviewer.is_active:
        raise PermissionDenied(_("You are not assigned to review this idea."))
    criteria = list(idea.campaign.criteria.all())
    errors = {}
    values = {}
    for criterion in criteria:
        value = scores.get(criterion.pk)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = None
        if value is None or not 1 <= value <= 5:
            errors[f"score_{criterion.pk}"] = _("Give “%(criterion)s” a score from 1 to 5.") % {
                "criterion": criterion.label
            }
        values[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    review.scores.all().delete()
    Score.objects.bulk_create([Score(review=review, criterion_id=pk, value=v) for pk, v in values.items()])
    review.comment = (comment or "").strip()[:5000]
    review.submitted_at = timezone.now()
    review.save(update_fields=["comment", "submitted_at"])
    return review


# Workflows (admins) --------------------------------------------------------------------------------


def _check_admin(by: User) -> None:
    if not policies.can_edit_workflows(by):
        raise PermissionDenied(_("Only admins can change workflows."))


def _clean_stage_name(workflow: Workflow, name: str, stage: Stage | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the stage a name.")})
    if len(name) > 80:
        raise ValidationError({"name": _("A stage name is limited to %(max)d characters.") % {"max": 80}})
    taken = workflow.stages.filter(name__iexact=name)
    if stage is not None:
        taken = taken.exclude(pk=stage.pk)
    if taken.exists():
        raise ValidationError({"name": _("This workflow already has a stage with this name.")})
    return name


@transaction.atomic
def workflow_create(*, by: User, name: str) -> Workflow:
    """A new workflow, starting as a copy of the default one (stages and transitions)."""
    _check_admin(by)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the workflow a name.")})
    source = default_workflow()
    workflow = Workflow.objects.create(name=name[:120])
    copies = {}
    for stage in source.stages.all():
        copies[stage.pk] = Stage.objects.create(
            workflow=workflow,
            name=stage.name,
            order=stage.order,
            terminal=stage.terminal,
            decision=stage.decision,
        )
    Transition.objects.bulk_create(
        [
            Transition(workflow=workflow, source=copies[t.source_id], target=copies[t.target_id])
            for t in source.transitions.all()
        ]
    )
    return workflow


@transaction.atomic
def stage_add(
    *, by: User, workflow: Workflow, name: str, terminal: bool = False, decision: bool = False
) -> Stage:
    _check_admin(by)
    name = _clean_stage_name(workflow, name)
    last = workflow.stages.aggregate(last=Max("order"))["last"]
    return Stage.objects.create(
        workflow=workflow,
        name=name,
        order=0 if last is None else last + 1,
        terminal=terminal,
        decision=decision,
    )


@transaction.atomic
def stage_update(*, by: User, stage: Stage, name: str, terminal: bool, decision: bool) -> Stage:
    """Rename a stage, mark it terminal or a decision."""
    _check_admin(by)
    stage.name = _clean_stage_name(stage.workflow, name, stage)
    stage.terminal, stage.decision = terminal, decision
    stage.save(update_fields=["name", "terminal", "decision"])
    return stage


@transaction.atomic
def stage_move(*, by: User, stage: Stage, offset: int) -> list[Stage]:
    """Reorder: move a stage up (-1) or down (+1) among its workflow's stages."""
    _check_admin(by)
    stages = list(
        Stage.objects.select_for_update().filter(workflow_id=stage.workflow_id).order_by("order", "id")
    )
    index = next(i for i, s in enumerate(stages) if s.pk == stage.pk)
    other = index + offset
    if offset not in (-1, 1) or not 0 <= other < len(stages):
        raise ValidationError(_("This stage cannot move further."))
    stages[index], stages[other] = stages[other], stages[index]
    for order, item in enumerate(stages):
        item.order = order
    Stage.objects.bulk_update(stages, ["order"])
    return stages


@transaction.atomic
def stage_delete(*, by: User, stage: Stage) -> None:
    _check_admin(by)
    if stage.ideas.exists() or IdeaTransition.objects.filter(target=stage).exists():
        raise ValidationError(
            _("“%(stage)s” holds ideas (or did): move them elsewhere; a stage in an idea's history stays.")
            % {"stage": stage.label}
        )
    if stage.workflow.stages.count() == 1:
        raise ValidationError(_("A workflow needs at least one stage."))
    stage.delete()


@transaction.atomic
def transition_add(*, by: User, source: Stage, target: Stage) -> Transition:
    _check_admin(by)
    if source.workflow_id != target.workflow_id or source.pk == target.pk:
        raise ValidationError({"target": _("Choose two different stages of the same workflow.")})
    transition, _created = Transition.objects.get_or_create(
        workflow_id=source.workflow_id, source=source, target=target
    )
    return transition


@transaction.atomic
def transition_remove(*, by: User, transition: Transition) -> None:
    _check_admin(by)
    transition.delete()


@transaction.atomic
def innovation_manager_set(*, user: User, by: User, on: bool) -> bool:
    """Give or take the innovation manager's role (creates campaigns). Returns whether it changed;
    each change is in the administrators' log."""
    from ruche.accounts.services import admin_log
    from ruche.ideas.models import InnovationManager

    if not policies.can_appoint_innovation_manager(by, user):
        raise PermissionDenied(_("Only an administrator can change someone else's roles."))
    if on:
        changed = InnovationManager.objects.get_or_create(user=user)[1]
    else:
        changed = InnovationManager.objects.filter(user=user).delete()[0] > 0
    if changed:
        action = "role_give" if on else "role_take"
        admin_log(actor=by, action=action, target_user=user, role="innovation_manager")
    return changed
