"""The dashboard's weekly summary toggle: whether the viewer receives it (None: not theirs to ask)."""

from django import template

from ruche.analytics.models import SummarySubscription
from ruche.analytics.policies import can_subscribe_summary

register = template.Library()


@register.simple_tag(takes_context=True)
def summary_subscribed(context) -> bool | None:
    user = context["request"].user
    if not can_subscribe_summary(user):
        return None
    return SummarySubscription.objects.filter(user=user).exists()
