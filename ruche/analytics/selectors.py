"""Reads of the daily facts for display."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.analytics import policies
from ruche.analytics.models import CONTENT_FIELDS, LIVE_FIELDS, PersonDay
from ruche.communities.selectors import community_for

MY_ACTIVITY_DAYS = 28


def my_activity(*, user, days: int = MY_ACTIVITY_DAYS, today: datetime.date | None = None) -> dict[str, int]:
    """A person's own figures over the last `days` days (today included): the sum of each count,
    and `active_days`. What was counted in memory since the last flush is not in yet."""
    today = today or timezone.localdate()
    rows = PersonDay.objects.filter(user=user, day__gt=today - datetime.timedelta(days=days), day__lte=today)
    totals = rows.aggregate(active_days=Count("pk"), **{f: Sum(f) for f in LIVE_FIELDS + CONTENT_FIELDS})
    return {name: value or 0 for name, value in totals.items()}


def company_figures_for(user) -> None:
    """The page and the API refuse the company's figures to whoever may not read them, alike."""
    if not policies.can_view_company(user):
        raise PermissionDenied(_("Only administrators and analysts can read the company's figures."))


def community_figures_for(user, slug: str):
    """The community whose figures `user` may read: 404 when it does not exist for them, 403 when
    they may not read its figures."""
    community, role = community_for(user, slug)
    if not policies.can_view_community(user, community, role):
        raise PermissionDenied(
            _("Only the community's owners and animators, and the company's analysts, can read its figures.")
        )
    return community
