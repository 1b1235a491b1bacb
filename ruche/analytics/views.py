"""The analytics pages: the company's dashboard, its exports, reminders; thin, over sections.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ruche.analytics import policies, sections, selectors, services
from ruche.analytics.forms import FiltersForm, filters_from
from ruche.core.spreadsheet import csv_response


def company_ask(request) -> tuple[FiltersForm, sections.Ask | None]:
    """The dashboard's filters from the query string, or a form with its errors (and no Ask)."""
    selectors.company_figures_for(request.user)
    today = timezone.localdate()
    form = filters_from(FiltersForm, request.GET, today=today)
    if form.errors:
        return form, None
    return form, sections.Ask(viewer=request.user, period=form.range, today=today, scope=form.scope)


def _page(request, form, ask, built):
    context = {
        "form": form,
        "ask": ask,
        "sections": built,
        "query": request.GET.urlencode(),
        "can_remind": policies.can_remind(request.user),
        "min_group": settings.ANALYTICS_MIN_GROUP,
    }
    return render(request, "analytics/dashboard.html", context, status=200 if ask else 400)


@login_required
def dashboard(request):
    form, ask = company_ask(request)
    return _page(request, form, ask, sections.build(sections.COMPANY, ask) if ask else [])


@login_required
def export(request, key: str):
    """One table of the dashboard as CSV, for the same filters (refused filters: the page says why)."""
    form, ask = company_ask(request)
    if ask is None:
        return _page(request, form, ask, [])
    table = sections.one_table(sections.COMPANY, ask, key)
    filename = f"ruche-{key.replace('.', '-')}-{ask.period.start}-{ask.period.end}.csv"
    return csv_response(filename, table.csv_rows())


@login_required
@require_POST
def remind(request):
    ids = [int(value) for value in request.POST.getlist("person") if value.isdigit()]
    sent, skipped = services.reminders_send(by=request.user, user_ids=ids)
    if sent:
        messages.success(
            request,
            ngettext("Invitation sent again to %(n)s person.", "Invitation sent again to %(n)s people.", sent)
            % {"n": sent},
        )
    if skipped:
        messages.info(
            request,
            ngettext(
                "%(n)s person was invited less than a day ago: not again yet.",
                "%(n)s people were invited less than a day ago: not again yet.",
                skipped,
            )
            % {"n": skipped},
        )
    if not sent and not skipped:
        messages.error(request, _("Choose at least one person who has not activated their account."))
    query = request.POST.get("query", "")  # the dashboard's filters, kept (a query string, not a URL)
    return redirect(f"{reverse('analytics:dashboard')}?{query}#activation")


@login_required
def mine(request):
    """My own figures (nobody else's, and nobody else sees them)."""
    return render(
        request,
        "analytics/mine.html",
        {"activity": selectors.my_activity(user=request.user), "days": selectors.MY_ACTIVITY_DAYS},
    )
