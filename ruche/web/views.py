from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from ruche.accounts.policies import is_admin
from ruche.accounts.selectors import invited_not_activated_count, own_completeness
from ruche.announcements.selectors import pinned_for
from ruche.communities.selectors import creation_requests, open_reports
from ruche.core.pagination import parse_cursor
from ruche.core.views import render_page
from ruche.feed.selectors import home_feed
from ruche.files.models import FileSettings
from ruche.files.services import allowed_extensions
from ruche.ideas.selectors import open_challenges
from ruche.posts.forms import PostForm
from ruche.posts.selectors import company_feed
from ruche.web.selectors import home_suggestions
from ruche.worker.selectors import queue_figures


@login_required
def home(request, form=None, status=200):
    """The home feed with the composer above it; an empty feed shows what the company says."""
    before = parse_cursor(request.GET.get("before"))
    page = home_feed(request.user, before=before)
    context = {
        "page": page,
        "form": form or PostForm(user=request.user),
        "feed_url": request.path,
        # The meter in the side column; the profile it loads is the one the page header's avatar shows.
        "completeness": None if request.htmx else own_completeness(request.user),
        # Innovation campaigns open to the viewer (one query), in a small box above the feed.
        "challenges": [] if request.htmx else open_challenges(request.user),
        # Announcements not yet confirmed or dismissed, pinned above the feed (one query).
        "pinned_announcements": None if request.htmx else pinned_for(request.user),
    }
    if not request.htmx:  # the side column: whom to follow, where to go, the week's tags
        context |= home_suggestions(request.user)
    if not page.items and before is None:
        context["discover"] = company_feed(request.user)
    return render_page(request, "web/home.html", context, partial="posts/_page.html", status=status)


@login_required
def company(request):
    page = company_feed(request.user, before=parse_cursor(request.GET.get("before")))
    return render_page(
        request,
        "web/company.html",
        {"page": page, "feed_url": request.path},
        partial="posts/_page.html",
    )


@login_required
def report_person(request, handle: str):
    """Flag a person (an abusive profile, impersonation…) for the administrators. Here rather than
    in accounts: reports are the communities' moderation, a layer above people."""
    from ruche.accounts.selectors import access_person
    from ruche.communities.views import report_page

    person = access_person(request.user, handle)
    thanks = _("Thank you: the administrators will look at it.")
    return report_page(request, person=person, back=person.get_absolute_url(), thanks=thanks)


@login_required
def manage(request):
    """The administrators' dashboard: each area they run, with what waits for them there."""
    if not is_admin(request.user):
        raise PermissionDenied
    context = {
        "invited": invited_not_activated_count(),
        "creation_requests": len(creation_requests()),
        "reports": len(open_reports()),
        "tasks": queue_figures(),
        "file_rules": {"max_size_mb": FileSettings.current().max_size_mb, "types": allowed_extensions()},
    }
    return render_page(request, "web/manage.html", context)


def health(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
