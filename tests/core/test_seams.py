"""The seams between apps (docs/architecture.md, "Seams"): lower apps publish events and ask hooks;
higher apps subscribe and provide in their AppConfig.ready. A registration that goes missing, an
event published to nobody, a reaction that swallows its error or outlives a rollback, an import
that climbs the layers again: each fails here."""

import dataclasses
import importlib
import pkgutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import transaction
from importlinter.cli import lint_imports

import ruche
from ruche.accounts import events as accounts_events
from ruche.accounts.models import Follow
from ruche.accounts.services import user_follow
from ruche.communities import events as communities_events
from ruche.core import events, hooks
from ruche.core.periodic import periodic_names
from ruche.ideas import events as ideas_events
from ruche.posts import events as posts_events
from ruche.qa import events as qa_events
from ruche.search import events as search_events
from ruche.worker.models import Task

ROOT = Path(ruche.__file__).parent.parent

# Who reacts to what, in order (the order of INSTALLED_APPS). A new subscriber, or one lost because
# an AppConfig.ready stopped registering it, changes this table: update it knowingly.
SUBSCRIBERS = {
    accounts_events.PeopleChanged: [
        "ruche.communities.reactions.apply_directory_rules",
        "ruche.search.reactions.reindex_people",
        "ruche.scim.reactions.people_changed",
    ],
    accounts_events.PersonFollowed: [
        "ruche.feed.reactions.backfill_follow",
        "ruche.notifications.reactions.notify_follow",
        "ruche.activities.reactions.record_follow",
    ],
    accounts_events.PersonReturned: ["ruche.feed.reactions.rebuild_feed"],
    posts_events.PostPublished: [
        "ruche.feed.reactions.fan_out_published",
        "ruche.notifications.reactions.notify_published",
        "ruche.qa.reactions.note_answer",
        "ruche.search.reactions.reindex_written",
        "ruche.realtime.reactions.publish_published",
        "ruche.alerts.reactions.match_published",
        "ruche.activities.reactions.record_published",
    ],
    posts_events.PostEdited: [
        "ruche.notifications.reactions.notify_new_mentions",
        "ruche.search.reactions.reindex_written",
        "ruche.realtime.reactions.publish_edited",
        "ruche.activities.reactions.record_edited",
    ],
    posts_events.PostDeleted: [
        "ruche.feed.reactions.forget_deleted",
        "ruche.qa.reactions.forget_answer",
        "ruche.search.reactions.reindex_post",
        "ruche.realtime.reactions.publish_deleted",
        "ruche.activities.reactions.record_deleted",
    ],
    posts_events.PostVisibilityChanged: ["ruche.search.reactions.reindex_post"],
    posts_events.PostCountsChanged: ["ruche.realtime.reactions.publish_counts"],
    posts_events.ReactionAdded: [
        "ruche.notifications.reactions.notify_reaction",
        "ruche.activities.reactions.record_reaction",
    ],
    posts_events.HashtagFollowed: ["ruche.feed.reactions.backfill_hashtag"],
    communities_events.CommunityChanged: ["ruche.search.reactions.reindex_community"],
    communities_events.MemberAdded: [
        "ruche.feed.reactions.backfill_community",
        "ruche.activities.reactions.record_joined",
    ],
    communities_events.MemberRemoved: [
        "ruche.feed.reactions.forget_community",
        "ruche.activities.reactions.record_left",
        "ruche.web.apps._membership_ended",
    ],
    communities_events.PlacementApproved: [
        "ruche.feed.reactions.fan_out_approved",
        "ruche.notifications.reactions.notify_approved_post",
        "ruche.alerts.reactions.match_published",
        "ruche.activities.reactions.release_approved",
    ],
    communities_events.ReplyApproved: [
        "ruche.notifications.reactions.notify_approved_reply",
        "ruche.alerts.reactions.match_approved_reply",
        "ruche.activities.reactions.release_approved_reply",
    ],
    communities_events.CommunityNotice: ["ruche.notifications.reactions.notify_community"],
    search_events.SearchRan: ["ruche.analytics.reactions.count_search"],
    qa_events.AnswerAccepted: ["ruche.activities.reactions.record_accepted"],
    ideas_events.IdeaSubmitted: ["ruche.activities.reactions.record_idea_submitted"],
    ideas_events.IdeaMoved: ["ruche.activities.reactions.record_idea_moved"],
}

PROVIDERS = {
    "accounts.people_matching": "ruche.search.selectors.people_prefix",
    "accounts.personal_token_owner": "ruche.api.selectors.personal_token_owner",
    "communities.can_view_figures": "ruche.analytics.policies.can_view_community",
    "posts.campaigns_visible_to": "ruche.ideas.policies.visible_campaign_ids",
    "posts.campaign_readers": "ruche.ideas.policies.campaign_viewers",
    "posts.replies_first": "ruche.qa.selectors.attach_questions",
    "posts.annotate_cards": "ruche.qa.selectors.annotate_answers",
    "posts.questions_for": "ruche.qa.selectors.questions_for",
}


def _name(function) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _import_every_module() -> None:
    """So that every hook declared anywhere in ruche exists before it is looked for."""
    for module in pkgutil.walk_packages(ruche.__path__, "ruche."):
        if ".migrations" not in module.name:
            importlib.import_module(module.name)


def test_every_event_has_its_subscribers_in_order():
    for event_type, expected in SUBSCRIBERS.items():
        assert [_name(f) for f in events.subscribers(event_type)] == expected, event_type.__name__


def test_every_declared_event_is_in_the_table():
    declared = {
        value
        for module in (
            accounts_events,
            posts_events,
            communities_events,
            search_events,
            qa_events,
            ideas_events,
        )
        for value in vars(module).values()
        if dataclasses.is_dataclass(value) and value.__module__ == module.__name__
    }
    assert declared == set(SUBSCRIBERS)


def test_every_hook_has_its_provider():
    _import_every_module()
    provided = {hook.name: hook.provider and _name(hook.provider) for hook in hooks.all_hooks()}
    assert provided == PROVIDERS


def test_serve_runs_the_periodic_jobs_the_apps_register():
    assert periodic_names() == [  # INSTALLED_APPS
        "ldap",  # enqueues nothing while no directory is configured
        "attachments",
        "notifications",
        "sources",
        "analytics",
        "analytics_summary",
        "webhook_deliveries",
        "privacy_exports",
        "privacy_retention",
    ]


@dataclass(frozen=True)
class Happened:
    what: str


@pytest.fixture
def event_type():
    """A private event type, its subscribers dropped after the test."""
    yield Happened
    events._subscribers.pop(Happened, None)


def test_publishing_to_nobody_is_an_error(event_type):
    with pytest.raises(RuntimeError, match="no subscriber for Happened"):
        events.publish(event_type("nothing listens"))


def test_reactions_run_in_order_and_their_errors_reach_the_publisher(event_type):
    seen = []

    def first(event):
        seen.append(("first", event.what))

    def failing(event):
        raise ValueError(event.what)

    def never(event):
        seen.append(("never", event.what))

    for reaction in (first, failing, first, never):  # subscribing twice keeps one
        events.subscribe(event_type, reaction)
    with pytest.raises(ValueError, match="boom"):
        events.publish(event_type("boom"))
    assert seen == [("first", "boom")]


def test_a_reaction_is_rolled_back_with_the_change(alice, bruno):
    """The tasks the reactions enqueue are rows of the same transaction: a rollback takes them away."""
    with pytest.raises(RuntimeError), transaction.atomic():
        user_follow(follower=alice, followed=bruno)
        assert Task.objects.filter(task_path__endswith="notify_follow").exists()
        raise RuntimeError("the request failed later")
    assert not Follow.objects.exists()
    assert not Task.objects.filter(task_path__endswith="notify_follow").exists()
    assert not Task.objects.filter(task_path__endswith="backfill_follow").exists()


def test_a_hook_nobody_provides_refuses_to_answer():
    hook = hooks.Hook("tests.unprovided")
    try:
        with pytest.raises(RuntimeError, match="nobody provides tests.unprovided"):
            hook()
        hook.provide(len)
        assert hook("abc") == 3
        hook.provide(len)  # the same provider again (a second ready()) is harmless
        with pytest.raises(RuntimeError, match="already provided"):
            hook.provide(sum)
    finally:
        hooks._hooks.remove(hook)


def test_apps_import_only_downwards():
    """The layers contract (pyproject.toml) holds without exceptions: no module of a lower app
    imports a higher one (a need for one is met by an event or a hook)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    (contract,) = config["tool"]["importlinter"]["contracts"]
    assert contract.get("ignore_imports", []) == []
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_logo=True, no_cache=True) == 0


def test_a_periodic_job_enqueues_on_its_first_tick_then_every_period_and_survives_a_failure():
    from ruche.core.periodic import Every

    calls = []
    job = Every(60, lambda: calls.append(1))
    assert [job.tick(now) for now in (0, 30, 59.9, 60, 100, 121)] == [True, False, False, True, False, True]

    def down():
        raise ConnectionError("queue unavailable")

    failing = Every(60, down)
    assert failing.tick(0) is False and failing.tick(1) is False  # tried again at once, not in a minute
