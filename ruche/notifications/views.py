from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ruche.core.pagination import parse_cursor
from ruche.core.views import render_page, safe_next
from ruche.notifications import selectors, services


@login_required
def index(request):
    page = selectors.notifications_for(request.user, before=parse_cursor(request.GET.get("before")))
    return render_page(
        request, "notifications/index.html", {"page": page}, partial="notifications/_page.html"
    )


@login_required
@require_POST
def open_one(request, pk: int):
    """Mark one notification read and go to what it is about."""
    services.notification_mark_read(user=request.user, notification_id=pk)
    return redirect(safe_next(request, reverse("notifications:index")))


@login_required
@require_POST
def mark_all_read(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:index")
