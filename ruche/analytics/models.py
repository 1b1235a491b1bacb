"""Adoption analytics: cheap daily facts, read by aggregates only (docs/analytics.md).

Two sources fill them, on separate columns so they never overwrite each other:
- what the database already holds (posts, replies, reactions, answers, votes, ideas, members) is
  recomputed for a whole day by `services.facts_compute(day=...)`, the same code for the backfill and
  the periodic job, so that the two agree by construction;
- what leaves no row (visits, pages viewed, searches) is counted in memory by the web processes
  (`counters.py`) and added in batches.
The day is the company's local day (TIME_ZONE)."""

from django.conf import settings
from django.db import models

# PersonDay's columns recomputed from the source tables; the others are counted live.
CONTENT_FIELDS = ("posts", "replies", "reactions", "shares", "answers", "accepted_answers", "ideas", "votes")
LIVE_FIELDS = ("visits", "pages", "searches")
# A contributor writes (the top of the 90-9-1 pyramid); a participant responds to others.
CONTRIBUTOR_FIELDS = ("posts", "answers", "ideas")
PARTICIPANT_FIELDS = ("replies", "reactions", "shares", "votes")


class PersonDay(models.Model):
    """What one person did on one day they were active. Shown only in aggregates over at least
    RUCHE_ANALYTICS_MIN_GROUP people, and to the person themselves."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    visits = models.PositiveIntegerField(default=0)  # a visit: a page after 30 minutes without one
    pages = models.PositiveIntegerField(default=0)
    searches = models.PositiveIntegerField(default=0)
    posts = models.PositiveIntegerField(default=0)  # questions included; ideas and shares apart
    replies = models.PositiveIntegerField(default=0)  # replies that are not answers
    reactions = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)  # someone's post shared, with or without a comment
    answers = models.PositiveIntegerField(default=0)  # replies to someone else's question
    accepted_answers = models.PositiveIntegerField(default=0)  # their answers accepted that day
    ideas = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)  # on ideas and on answers

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="analytics_person_day_once")]
        indexes = [models.Index(fields=["day"], name="analytics_person_day")]


class CommunityPersonDay(models.Model):
    """What one person did in one community on one day (only people who did something there):
    per-community active people over 7 or 28 days and the pyramid need distinct people, which sums
    of CommunityDay cannot give."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    posts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)  # on answers (ideas live in campaigns)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user", "day"], name="analytics_member_day_once")
        ]
        indexes = [models.Index(fields=["day", "community"], name="analytics_member_day")]


class CommunityDay(models.Model):
    """One community on one day: its activity and its size (a row for every community that had
    members or activity that day)."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    posts = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    shares = models.PositiveIntegerField(default=0)
    answers = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    active_people = models.PositiveIntegerField(default=0)  # who did any of the above there
    active_members = models.PositiveIntegerField(default=0)  # of them, its members
    members = models.PositiveIntegerField(default=0)  # at the end of the day

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="analytics_community_day_once")
        ]
        indexes = [models.Index(fields=["day"], name="analytics_community_day")]


class SearchDay(models.Model):
    """How often a query (folded, trimmed, spaces collapsed) was searched on a day, and how often it
    found nothing. Who searched is not stored."""

    day = models.DateField()
    query = models.CharField(max_length=200)
    searches = models.PositiveIntegerField(default=0)
    empty = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "query"], name="analytics_search_day_once")]


class SummarySubscription(models.Model):
    """Someone who asked for the weekly summary e-mail of the company's figures (summary.py), and
    the last week it was sent for: one e-mail per person and week, whoever runs the task again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    last_week = models.CharField(max_length=10, blank=True)  # ISO week, "2026-W23"
