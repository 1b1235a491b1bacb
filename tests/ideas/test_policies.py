"""Who may see what and do what, table-driven: role x stage x transition."""

import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ruche.accounts.models import User
from ruche.ideas import policies, services
from ruche.ideas.models import DEFAULT_STAGES, DEFAULT_TRANSITIONS, Campaign, Idea
from tests.fixtures.ideas import stage

STAGES = [name for name, _terminal, _decision in DEFAULT_STAGES]
ALLOWED = set(DEFAULT_TRANSITIONS)
ROLES = ["admin", "manager", "reviewer", "author", "voter", "outsider"]
MOVERS = {"admin", "manager", "reviewer"}


@pytest.fixture
def people(admin, manager, reviewer, author, voter, outsider):
    return {
        "admin": admin,
        "manager": manager,
        "reviewer": reviewer,
        "author": author,
        "voter": voter,
        "outsider": outsider,
    }


def _put(idea, name):
    Idea.objects.filter(pk=idea.pk).update(stage=stage(idea.campaign, name))
    idea.refresh_from_db()


@pytest.mark.parametrize("role", ROLES)
def test_move_role_by_stage_by_transition(people, idea, role):
    """Every role tries every move between the default stages: only the managers, the committee and
    admins move ideas, and only along a transition of the workflow; a decision needs a rationale."""
    user = people[role]
    for source, target in itertools.product(STAGES, STAGES):
        _put(idea, source)
        before = idea.history.count()
        rationale = "Parce que."
        target_stage = stage(idea.campaign, target)
        allowed = role in MOVERS and (source, target) in ALLOWED
        if allowed:
            record = services.idea_move(idea=idea, stage=target_stage, by=user, rationale=rationale)
            assert (record.source.name, record.target.name, record.by) == (source, target, user)
            idea.refresh_from_db()
            assert idea.stage.name == target and idea.history.count() == before + 1
        else:
            with pytest.raises((PermissionDenied, ValidationError)):
                services.idea_move(idea=idea, stage=target_stage, by=user, rationale=rationale)
            idea.refresh_from_db()
            assert idea.stage.name == source and idea.history.count() == before, (role, source, target)


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_decision_needs_a_rationale(manager, idea, source, target):
    _put(idea, source)
    target_stage = stage(idea.campaign, target)
    if target_stage.decision:
        with pytest.raises(ValidationError) as refused:
            services.idea_move(idea=idea, stage=target_stage, by=manager, rationale="  ")
        assert "rationale" in refused.value.error_dict
        idea.refresh_from_db()
        assert idea.stage.name == source
    else:
        services.idea_move(idea=idea, stage=target_stage, by=manager)


@pytest.mark.parametrize(
    ("role", "sees", "submits", "votes"),
    [
        ("admin", True, False, False),
        ("manager", True, False, False),
        ("reviewer", True, False, False),
        ("author", True, True, True),
        ("voter", True, True, True),
        ("outsider", False, False, False),
    ],
)
def test_campaign_aimed_at_a_department(people, campaign, idea, role, sees, submits, votes):
    user = people[role]
    assert policies.can_view_campaign(user, campaign) is sees
    assert policies.can_submit(user, campaign) is submits
    assert policies.can_vote(user, idea) is votes
    assert (idea.post in policies_visible_posts(user)) is sees


def policies_visible_posts(user):
    from ruche.posts.models import Post
    from ruche.posts.policies import visible_posts

    return set(visible_posts(user, Post.objects.all()))


def test_draft_is_seen_by_its_managers_only(make_campaign, manager, voter, admin):
    draft = make_campaign(open=False)
    assert policies.can_view_campaign(manager, draft) and policies.can_view_campaign(admin, draft)
    assert not policies.can_view_campaign(voter, draft)


def test_opened_wider_everyone_sees_and_votes_but_only_the_population_submits(
    make_campaign, outsider, author
):
    campaign = make_campaign(audience=Campaign.Audience.EVERYONE)
    idea = services.idea_submit(campaign=campaign, author=author, title="Une idée", description="Détails")
    assert policies.can_view_campaign(outsider, campaign)
    assert policies.can_vote(outsider, idea)
    assert not policies.can_submit(outsider, campaign)


@pytest.mark.parametrize("kind", ["department", "site", "community", "person", "everyone"])
def test_population_mixes(make_campaign, person, rnd, site_lyon, make_community, add_member, outsider, kind):
    member = person("Inès", None, site_lyon if kind == "site" else None)
    community = make_community("Atelier")
    add_member(community, member)
    if kind == "department":
        member.profile.department = rnd
        member.profile.save()
    choice = {
        "department": {"departments": [rnd]},
        "site": {"departments": [], "sites": [site_lyon]},
        "community": {"departments": [], "communities": [community]},
        "person": {"departments": [], "people": [member]},
        "everyone": {"departments": [], "everyone": True},
    }[kind]
    campaign = make_campaign(**choice)
    assert policies.in_population(member, campaign)
    assert member in policies.population(campaign)
    assert Campaign.objects.filter(policies.aimed_at_q(member), pk=campaign.pk).exists()
    assert policies.in_population(outsider, campaign) is (kind == "everyone")
    assert set(policies.population(campaign)) == {
        u
        for u in User.objects.filter(is_active=True)
        if Campaign.objects.filter(policies.aimed_at_q(u)).exists()
    }


def test_reviewers_see_only_what_they_are_assigned(campaign, idea, manager, reviewer, person, rnd, author):
    from ruche.ideas import selectors

    other_reviewer = person("Otto", rnd)
    campaign.reviewers.add(other_reviewer)
    second = services.idea_submit(campaign=campaign, author=author, title="Deuxième", description="x")
    for each in (idea, second):
        services.idea_move(idea=each, stage=stage(campaign, "Shortlisted"), by=manager)
    services.review_assign(idea=idea, reviewer=reviewer, by=manager)
    services.review_assign(idea=second, reviewer=other_reviewer, by=manager)
    titles = {
        who: [row.idea.title for row in selectors.committee(user, campaign)[1]]
        for who, user in (("manager", manager), ("reviewer", reviewer), ("other", other_reviewer))
    }
    assert sorted(titles["manager"]) == ["Deuxième", "Trier les copeaux"]
    assert titles["reviewer"] == ["Trier les copeaux"] and titles["other"] == ["Deuxième"]
    assert policies.can_see_reviews(reviewer, idea) and not policies.can_see_reviews(reviewer, second)
    assert not policies.can_see_reviews(author, idea)
