"""The digest's "challenges closing soon" section: open campaigns a person is aimed at, closing
within CLOSING_DAYS, where they have neither submitted nor voted yet."""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings

from ruche.ideas import policies
from ruche.ideas.models import Campaign, Idea, Vote
from ruche.notifications.digest import Item

CLOSING_DAYS = 7


def campaigns_closing(users: list, since, now, run: dict) -> dict[int, list[Item]]:
    if "campaigns_closing" not in run:
        closing = Campaign.objects.filter(
            opened_at__isnull=False, ends_at__gt=now, ends_at__lte=now + timedelta(days=CLOSING_DAYS)
        )
        run["campaigns_closing"] = list(closing.select_related("created_by").order_by("ends_at"))
    found: dict[int, list[Item]] = defaultdict(list)
    ids = [u.pk for u in users]
    for campaign in run["campaigns_closing"]:
        aimed = set(policies.population(campaign).filter(pk__in=ids).values_list("pk", flat=True))
        took_part = set(
            Idea.objects.filter(campaign=campaign, author_id__in=aimed).values_list("author_id", flat=True)
        )
        took_part |= set(
            Vote.objects.filter(campaign=campaign, user_id__in=aimed).values_list("user_id", flat=True)
        )
        item = Item(
            url=settings.SITE_URL + campaign.get_absolute_url(),
            author=campaign.created_by.full_name,
            excerpt=campaign.title,
        )
        for user_id in aimed - took_part:
            found[user_id].append(item)
    return found
