import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from ruche.ideas import services
from ruche.ideas.models import Campaign, CoAuthor, Idea, IdeaFollow, Review, Stage, Vote
from ruche.notifications.models import Notification
from tests.fixtures.ideas import stage

Kind = Notification.Kind


def _submit(campaign, author, title="Trier les copeaux", **extra):
    return services.idea_submit(campaign=campaign, author=author, title=title, description="Détails", **extra)


def test_submit_makes_a_post_inside_the_campaign(campaign, author):
    idea = _submit(campaign, author, tags=["Déchets", "#déchets", "atelier"])
    assert idea.post.campaign_id == campaign.pk and idea.stage.name == "Submitted"
    assert sorted(t.key for t in idea.tags.all()) == ["atelier", "dechets"]
    assert idea.history.get().target == idea.stage
    assert IdeaFollow.objects.filter(idea=idea, user=author).exists()
    campaign.refresh_from_db()
    assert campaign.idea_count == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"ends_at": -1}, "closed"),
        ({"starts_at": +1}, "not open yet"),
    ],
)
def test_submit_outside_the_dates_is_refused(campaign, author, change, message):
    now = timezone.now()
    field, days = next(iter(change.items()))
    Campaign.objects.filter(pk=campaign.pk).update(
        **{field: now + datetime.timedelta(days=days)},
        **({"starts_at": now - datetime.timedelta(days=5)} if field == "ends_at" else {}),
        **({"ends_at": now + datetime.timedelta(days=5)} if field == "starts_at" else {}),
    )
    campaign.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        _submit(campaign, author)
    assert not Idea.objects.exists()


def test_outsider_cannot_submit(campaign, outsider):
    with pytest.raises(PermissionDenied):
        _submit(campaign, outsider)
    assert not Idea.objects.exists()


def test_bad_input_names_the_field_and_changes_nothing(campaign, author, outsider):
    with pytest.raises(ValidationError) as refused:
        services.idea_submit(
            campaign=campaign, author=author, title=" ", description="", coauthors=[outsider]
        )
    assert set(refused.value.error_dict) == {"title", "description", "coauthors"}
    assert not Idea.objects.exists()


def test_vote_once_then_remove(idea, voter):
    services.idea_vote(idea=idea, user=voter)
    with pytest.raises(ValidationError, match="already voted"):
        services.idea_vote(idea=idea, user=voter)
    idea.refresh_from_db()
    assert idea.vote_count == 1
    services.idea_unvote(idea=idea, user=voter)
    idea.refresh_from_db()
    assert idea.vote_count == 0 and not Vote.objects.exists()


def test_vote_outside_the_population_is_refused(idea, outsider):
    with pytest.raises(PermissionDenied):
        services.idea_vote(idea=idea, user=outsider)
    assert not Vote.objects.exists()


def test_votes_freeze_when_the_campaign_closes(idea, voter):
    services.idea_vote(idea=idea, user=voter)
    Campaign.objects.filter(pk=idea.campaign_id).update(ends_at=timezone.now())
    idea = Idea.objects.select_related("campaign").get(pk=idea.pk)
    with pytest.raises(ValidationError, match="closed"):
        services.idea_unvote(idea=idea, user=voter)
    assert Vote.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_keep_the_counter_right(campaign, author, person, rnd):
    """Many people (and the same person twice) vote at the same moment: one vote each, the counter
    equals the number of votes. Real concurrency needs PostgreSQL; SQLite serialises the writers."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite in memory has one connection)")
    idea = _submit(campaign, author)
    voters = [person(f"Votant{i}", rnd) for i in range(8)]
    barrier = threading.Barrier(len(voters) * 2)
    errors = []

    def vote(user):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.idea_vote(idea=Idea.objects.select_related("campaign").get(pk=idea.pk), user=user)
        except ValidationError:
            errors.append(user.pk)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=vote, args=(u,)) for u in voters * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    idea.refresh_from_db()
    assert idea.vote_count == Vote.objects.filter(idea=idea).count() == len(voters)
    assert len(errors) == len(voters)


def test_merge_carries_votes_and_followers_without_double_counting(
    campaign, author, voter, person, rnd, manager, side_effects
):
    kept = _submit(campaign, author, title="Trier les copeaux")
    other = person("Odile", rnd)
    duplicate = _submit(campaign, other, title="Trier les copeaux de métal")
    both, only_dup = person("Bea", rnd), person("Dan", rnd)
    for user in (voter, both):
        services.idea_vote(idea=kept, user=user)
    for user in (both, only_dup):
        services.idea_vote(idea=duplicate, user=user)
    services.idea_follow(idea=duplicate, user=both)
    services.idea_follow(idea=kept, user=both)
    with side_effects():
        kept = services.idea_merge(duplicate=duplicate, into=kept, by=manager)
    assert kept.vote_count == 3 == Vote.objects.filter(idea=kept).count()
    assert set(Vote.objects.filter(idea=kept).values_list("user_id", flat=True)) == {
        voter.pk,
        both.pk,
        only_dup.pk,
    }
    followers = set(IdeaFollow.objects.filter(idea=kept).values_list("user_id", flat=True))
    assert followers == {author.pk, other.pk, both.pk} and kept.follower_count == 3
    duplicate.refresh_from_db()
    assert duplicate.merged_into == kept and not duplicate.votes.exists()
    assert Notification.objects.filter(recipient=other, kind=Kind.IDEA_MERGED).exists()
    with pytest.raises(ValidationError):
        services.idea_merge(duplicate=duplicate, into=kept, by=manager)


def test_only_managers_merge(campaign, author, voter):
    a, b = _submit(campaign, author), _submit(campaign, voter, title="Autre")
    with pytest.raises(PermissionDenied):
        services.idea_merge(duplicate=b, into=a, by=author)


def test_review_assignment_and_scores(idea, manager, reviewer, voter, side_effects):
    with pytest.raises(ValidationError, match="shortlisted"):
        services.review_assign(idea=idea, reviewer=reviewer, by=manager)
    services.idea_move(idea=idea, stage=stage(idea.campaign, "Shortlisted"), by=manager)
    idea.refresh_from_db()
    with pytest.raises(ValidationError, match="committee"):
        services.review_assign(idea=idea, reviewer=voter, by=manager)
    with pytest.raises(PermissionDenied):
        services.review_assign(idea=idea, reviewer=reviewer, by=reviewer)
    with side_effects():
        services.review_assign(idea=idea, reviewer=reviewer, by=manager)
    assert Notification.objects.filter(recipient=reviewer, kind=Kind.IDEA_REVIEW).exists()
    criteria = list(idea.campaign.criteria.all())
    with pytest.raises(ValidationError) as refused:
        services.review_submit(idea=idea, reviewer=reviewer, scores={criteria[0].pk: 6})
    assert len(refused.value.error_dict) == len(criteria)
    with pytest.raises(PermissionDenied):
        services.review_submit(idea=idea, reviewer=voter, scores={c.pk: 3 for c in criteria})
    review = services.review_submit(
        idea=idea, reviewer=reviewer, scores={c.pk: 4 for c in criteria}, comment="Solide"
    )
    assert review.submitted_at and sorted(review.scores.values_list("value", flat=True)) == [4, 4, 4]
    assert Review.objects.count() == 1


def test_move_is_recorded_and_notified(idea, manager, voter, author, person, rnd, side_effects):
    coauthor = person("Colette", rnd)
    services.idea_follow(idea=idea, user=voter)
    CoAuthor.objects.create(idea=idea, user=coauthor, status=CoAuthor.Status.ACCEPTED)
    with side_effects():
        services.idea_move(
            idea=idea, stage=stage(idea.campaign, "Rejected"), by=manager, rationale="Trop cher"
        )
    told = set(Notification.objects.filter(kind=Kind.IDEA_MOVED).values_list("recipient_id", flat=True))
    assert told == {author.pk, voter.pk, coauthor.pk}
    note = Notification.objects.get(recipient=author, kind=Kind.IDEA_MOVED)
    assert "Rejected" in note.detail and "Trop cher" in note.detail
    last = idea.history.last()
    assert (last.source.name, last.target.name, last.rationale, last.by) == (
        "Submitted",
        "Rejected",
        "Trop cher",
        manager,
    )


def test_coauthors_invited_accept_or_decline(campaign, author, voter, person, rnd, side_effects):
    other = person("Odile", rnd)
    with side_effects():
        idea = _submit(campaign, author, coauthors=[voter, other])
    assert Notification.objects.filter(kind=Kind.IDEA_COAUTHOR).count() == 2
    services.coauthor_answer(idea=idea, user=voter, accept=True)
    services.coauthor_answer(idea=idea, user=other, accept=False)
    with pytest.raises(ValidationError):
        services.coauthor_answer(idea=idea, user=other, accept=True)
    statuses = dict(CoAuthor.objects.values_list("user_id", "status"))
    assert statuses == {voter.pk: "accepted", other.pk: "declined"}
    assert IdeaFollow.objects.filter(idea=idea, user=voter).exists()


def test_opening_notifies_the_population_only(make_campaign, manager, author, voter, outsider):
    campaign = make_campaign()
    told = set(Notification.objects.filter(kind=Kind.CAMPAIGN_OPENED).values_list("recipient_id", flat=True))
    assert told == {author.pk, voter.pk}
    assert Notification.objects.get(recipient=author, kind=Kind.CAMPAIGN_OPENED).campaign == campaign
    with pytest.raises(ValidationError):
        services.campaign_open(campaign=campaign, by=manager)


def test_reminder_once_before_closing(make_campaign, author, voter, side_effects):
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() + datetime.timedelta(hours=5))
    for _twice in range(2):
        with side_effects():
            call_command("ideas_remind", stdout=io.StringIO())
    told = list(
        Notification.objects.filter(kind=Kind.CAMPAIGN_CLOSING).values_list("recipient_id", flat=True)
    )
    assert sorted(told) == sorted([author.pk, voter.pk])


def test_only_innovation_managers_create(make_campaign, author):
    with pytest.raises(PermissionDenied):
        make_campaign(by=author)


def test_campaign_bad_input(manager):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.campaign_create(by=manager, title="", brief="", starts_at=now, ends_at=now)
    assert set(refused.value.error_dict) == {"title", "brief", "ends_at", "everyone"}
    assert not Campaign.objects.exists()


def test_workflow_editing(admin, manager, idea):
    workflow = idea.campaign.workflow
    with pytest.raises(PermissionDenied):
        services.stage_add(by=manager, workflow=workflow, name="Pilote")
    pilot = services.stage_add(by=admin, workflow=workflow, name="Pilote", terminal=False)
    assert list(workflow.stages.all())[-1] == pilot
    with pytest.raises(ValidationError):
        services.stage_add(by=admin, workflow=workflow, name="pilote")
    services.stage_update(by=admin, stage=pilot, name="Pilote en usine", terminal=True, decision=False)
    services.stage_move(by=admin, stage=pilot, offset=-1)
    assert [s.name for s in workflow.stages.all()][-2:] == ["Pilote en usine", "Implemented"]
    with pytest.raises(ValidationError):
        services.stage_move(by=admin, stage=workflow.stages.first(), offset=-1)
    services.transition_add(by=admin, source=stage(idea.campaign, "Approved"), target=pilot)
    submitted = stage(idea.campaign, "Submitted")
    with pytest.raises(ValidationError, match="holds ideas"):
        services.stage_delete(by=admin, stage=submitted)
    assert Stage.objects.filter(pk=submitted.pk).exists()
    services.stage_delete(by=admin, stage=pilot)
    assert not Stage.objects.filter(pk=pilot.pk).exists()
