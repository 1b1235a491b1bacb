"""A community's dashboard and its CSV exports: thin, over sections.py (community.py's sections)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from ruche.analytics import sections, selectors
from ruche.analytics.forms import PeriodForm, filters_from
from ruche.core.spreadsheet import csv_response


def community_ask(request, slug: str):
    """The community (404 for whoever may not know it exists), the period form, and the Ask (None
    when the form was refused)."""
    community = selectors.community_figures_for(request.user, slug)
    today = timezone.localdate()
    form = filters_from(PeriodForm, request.GET, today=today)
    if form.errors:
        return community, form, None
    ask = sections.Ask(viewer=request.user, period=form.range, today=today, community=community)
    return community, form, ask


def _page(request, community, form, ask, built):
    context = {
        "community": community,
        "form": form,
        "ask": ask,
        "sections": built,
        "query": request.GET.urlencode(),
        "export_community": community,  # analytics/_table.html: this dashboard's CSV links
        "min_group": settings.ANALYTICS_MIN_GROUP,
    }
    return render(request, "analytics/community.html", context, status=200 if ask else 400)


@login_required
def dashboard(request, slug: str):
    community, form, ask = community_ask(request, slug)
    built = sections.build(sections.COMMUNITY, ask) if ask else []
    return _page(request, community, form, ask, built)


@login_required
def export(request, slug: str, key: str):
    """One table of the community's dashboard as CSV, for the same period."""
    community, form, ask = community_ask(request, slug)
    if ask is None:
        return _page(request, community, form, ask, [])
    table = sections.one_table(sections.COMMUNITY, ask, key)
    filename = f"ruche-{community.slug}-{key.replace('.', '-')}-{ask.period.start}-{ask.period.end}.csv"
    return csv_response(filename, table.csv_rows())
