"""Who may see and do what with campaigns and ideas. Every check on them goes through here.

A campaign is seen by its audience: the target population (everyone, or the union of departments,
sites, communities and named people), or every colleague when the manager opened it wider; its
managers, its review committee and admins always see it. A campaign not yet opened is seen by its
managers and admins only. `visible_campaigns` says it in SQL (ruche.posts.policies uses it to keep
ideas' posts inside); `population` lists, in SQL, the people a campaign is aimed at."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone

from ruche.accounts.policies import is_admin
from ruche.core.prepared import prepared


def _active(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_innovation_manager(user) -> bool:
    from ruche.ideas.models import InnovationManager

    return is_admin(user) or (_active(user) and InnovationManager.objects.filter(user_id=user.pk).exists())


def can_create_campaign(user) -> bool:
    return is_innovation_manager(user)


def can_edit_workflows(user) -> bool:
    return is_admin(user)


def _targets_of(user_ref, nested_ref):
    """The Target rows that take in one person: named, or through their department, site or a
    community they belong to. `user_ref` is a pk or an OuterRef; `nested_ref` the same seen from
    one subquery deeper."""
    from ruche.accounts.models import Profile
    from ruche.communities.models import Membership
    from ruche.ideas.models import Target

    profile = Profile.objects.filter(user_id=nested_ref)
    return Target.objects.filter(
        Q(user_id=user_ref)
        | Q(department_id__in=profile.values("department_id"))
        | Q(site_id__in=profile.values("site_id"))
        | Q(community_id__in=Membership.objects.filter(user_id=nested_ref).values("community_id"))
    )


def aimed_at_q(user) -> Q:
    """On a Campaign queryset: the campaigns whose target population includes `user`."""
    return Q(everyone=True) | Exists(_targets_of(user.pk, user.pk).filter(campaign_id=OuterRef("pk")))


def population(campaign) -> QuerySet:
    """Everyone the campaign is aimed at (active colleagues), as one SQL query."""
    from ruche.accounts.models import User
    from ruche.communities.models import Membership
    from ruche.ideas.models import Target

    people = User.objects.filter(is_active=True)
    if campaign.everyone:
        return people
    targets = Target.objects.filter(campaign_id=campaign.pk)
    return people.filter(
        Q(pk__in=targets.filter(user__isnull=False).values("user_id"))
        | Q(profile__department_id__in=targets.filter(department__isnull=False).values("department_id"))
        | Q(profile__site_id__in=targets.filter(site__isnull=False).values("site_id"))
        | Q(
            pk__in=Membership.objects.filter(
                community_id__in=targets.filter(community__isnull=False).values("community_id")
            ).values("user_id")
        )
    )


def audience(campaign) -> QuerySet:
    """Who may see, vote and comment: the population, or every colleague when opened wider."""
    from ruche.accounts.models import User
    from ruche.ideas.models import Campaign

    if campaign.audience == Campaign.Audience.EVERYONE:
        return User.objects.filter(is_active=True)
    return population(campaign)


def _staff_q(user) -> Q:
    from ruche.ideas.models import Campaign

    managers = Campaign.managers.through.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk)
    reviewers = Campaign.reviewers.through.objects.filter(campaign_id=OuterRef("pk"), user_id=user.pk)
    return Exists(managers) | Exists(reviewers)


def visible_campaigns(user, campaigns: QuerySet) -> QuerySet:
    """Narrow a Campaign queryset, in SQL, to those `user` may see."""
    from ruche.ideas.models import Campaign

    if not _active(user):
        return campaigns.none()
    if is_admin(user):
        return campaigns
    opened = Q(opened_at__isnull=False) & (Q(audience=Campaign.Audience.EVERYONE) | aimed_at_q(user))
    return campaigns.filter(opened | _staff_q(user))


@prepared("viewer")
def _visible_campaign_pks(viewer):
    from ruche.ideas.models import Campaign

    return visible_campaigns(viewer, Campaign.objects.all()).values("pk")


@prepared("viewer")
def _aimed_campaign_pks(viewer):
    from ruche.ideas.models import Campaign

    return Campaign.objects.filter(aimed_at_q(viewer)).values("pk")


def visible_campaign_ids(user) -> RawSQL:
    """`visible_campaigns(user, ...).values("pk")` as SQL, for the hot paths (`visible_posts` on every
    feed, the notifications badge on every page): the same query, compiled once per process instead
    of on every call (compiling it cost 2 ms a call, more than running it)."""
    return RawSQL(*_visible_campaign_pks.sql(viewer=user))  # noqa: S611 - Django's SQL, compiled once


def aimed_campaign_ids(user) -> RawSQL:
    """The ids of the campaigns whose population includes `user` (`aimed_at_q`), compiled once: for
    the home page's box."""
    return RawSQL(*_aimed_campaign_pks.sql(viewer=user))  # noqa: S611 - Django's SQL, compiled once


def can_see_cover(user, name: str) -> bool:
    """A campaign's cover image, for those who may see the campaign."""
    from ruche.ideas.models import Campaign

    return visible_campaigns(user, Campaign.objects.filter(cover=name)).exists()


def can_view_campaign(user, campaign) -> bool:
    from ruche.ideas.models import Campaign

    return visible_campaigns(user, Campaign.objects.filter(pk=campaign.pk)).exists()


def campaign_viewers(campaign_id: int, user_ids) -> set[int]:
    """Of these people, those who may see the campaign: `can_view_campaign` asked of many at once,
    in a few queries (admins, managers and reviewers always; once opened, its audience)."""
    from ruche.accounts.models import User
    from ruche.ideas.models import Campaign

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return set()
    people = User.objects.filter(pk__in=list(user_ids), is_active=True)
    staff = (
        Q(is_staff=True)
        | Q(pk__in=Campaign.managers.through.objects.filter(campaign_id=campaign.pk).values("user_id"))
        | Q(pk__in=Campaign.reviewers.through.objects.filter(campaign_id=campaign.pk).values("user_id"))
    )
    if campaign.opened_at is not None:
        if campaign.audience == Campaign.Audience.EVERYONE:
            return set(people.values_list("pk", flat=True))
        staff |= Q(pk__in=population(campaign).values("pk"))
    return set(people.filter(staff).values_list("pk", flat=True))


def access_campaign(user, pk: int):
    """The campaign, or 404 for one the viewer may not know exists."""
    from ruche.ideas.models import Campaign

    campaign = visible_campaigns(user, Campaign.objects.filter(pk=pk)).select_related("workflow").first()
    if campaign is None:
        raise Http404
    return campaign


def access_idea(user, pk: int):
    """The idea (not merged away: the kept one's page is shown instead), or 404."""
    from ruche.ideas.models import Campaign, Idea

    idea = (
        Idea.objects.select_related("campaign", "stage", "author", "author__profile", "post")
        .filter(pk=pk, campaign__in=visible_campaigns(user, Campaign.objects.all()))
        .first()
    )
    if idea is None or idea.post.deleted_at is not None:
        raise Http404
    return idea


def is_campaign_manager(user, campaign) -> bool:
    return is_admin(user) or (_active(user) and campaign.managers.filter(pk=user.pk).exists())


def is_committee_member(user, campaign) -> bool:
    return _active(user) and campaign.reviewers.filter(pk=user.pk).exists()


def in_population(user, campaign) -> bool:
    return _active(user) and population(campaign).filter(pk=user.pk).exists()


def in_audience(user, campaign) -> bool:
    return _active(user) and audience(campaign).filter(pk=user.pk).exists()


def accepts_ideas(campaign, now=None) -> bool:
    now = now or timezone.now()
    return campaign.opened_at is not None and campaign.starts_at <= now < campaign.ends_at


def can_submit(user, campaign) -> bool:
    return accepts_ideas(campaign) and in_population(user, campaign)


def can_vote(user, idea) -> bool:
    """Anyone in the audience, while the campaign is open, on an idea still in the running."""
    return accepts_ideas(idea.campaign) and idea.merged_into_id is None and in_audience(user, idea.campaign)


def can_follow(user, idea) -> bool:
    return _active(user) and can_view_campaign(user, idea.campaign)


def can_move(user, idea) -> bool:
    """Campaign managers, the review committee and admins move ideas through the workflow."""
    campaign = idea.campaign
    return is_campaign_manager(user, campaign) or is_committee_member(user, campaign)


def can_manage(user, campaign) -> bool:
    """Edit, open, assign reviewers, merge duplicates, export."""
    return is_campaign_manager(user, campaign)


def can_see_reviews(user, idea) -> bool:
    """Managers see every review; a reviewer sees the reviews of the ideas assigned to them."""
    from ruche.ideas.models import Review

    return is_campaign_manager(user, idea.campaign) or (
        _active(user) and Review.objects.filter(idea_id=idea.pk, reviewer_id=user.pk).exists()
    )


def reviewable_ideas(user, campaign, ideas: QuerySet) -> QuerySet:
    """The ideas whose reviews `user` may see, in SQL."""
    if is_campaign_manager(user, campaign):
        return ideas
    return ideas.filter(reviews__reviewer_id=user.pk)


def can_review(user, idea) -> bool:
    from ruche.ideas.models import Review

    return _active(user) and Review.objects.filter(idea_id=idea.pk, reviewer_id=user.pk).exists()


def is_author(user, idea) -> bool:
    from ruche.ideas.models import CoAuthor

    return user.pk == idea.author_id or (
        idea.coauthors.filter(user_id=user.pk, status=CoAuthor.Status.ACCEPTED).exists()
    )


def can_appoint_innovation_manager(user, target) -> bool:
    """A company-wide role like the others: given by administrators, never to or by oneself."""
    from ruche.accounts.policies import can_change_roles

    return can_change_roles(user, target)
