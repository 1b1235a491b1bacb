from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.announcements import policies, selectors, services
from ruche.announcements.forms import AnnouncementForm
from ruche.core.pagination import parse_cursor
from ruche.core.views import apply_errors, render_page, safe_next
from ruche.files.forms import attachment_ids
from ruche.files.selectors import waiting_uploads


@login_required
def index(request):
    """What I received, and (for publishers) what I published with its reach."""
    context = {
        "received": selectors.received(request.user, before=parse_cursor(request.GET.get("before"))),
        "can_publish": policies.can_publish(request.user),
    }
    if context["can_publish"] or request.user.announcements.exists():
        context["published"] = selectors.published(request.user)
    return render_page(request, "announcements/index.html", context)


@login_required
def create(request):
    if not policies.can_publish(request.user):
        raise PermissionDenied(_("Only communications and executives may publish announcements."))
    form = AnnouncementForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.announcement_publish(
                author=request.user, attachments=attachment_ids(request), **form.service_arguments()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("Announcement published to %(n)d people.") % {"n": announcement.recipient_count},
            )
            return redirect(announcement)
    status = 400 if form.is_bound else 200
    waiting = waiting_uploads(request.user, request.POST.getlist("attachments"))
    return render(request, "announcements/create.html", {"form": form, "waiting": waiting}, status=status)


@login_required
def detail(request, pk: int):
    """The announcement; opening it counts as read. Its author also sees the reach and receipts."""
    announcement, receipt = selectors.announcement_for(request.user, pk)
    if receipt is not None and receipt.opened_at is None:
        receipt = services.receipt_open(announcement=announcement, user=request.user)
    context = {"announcement": announcement, "receipt": receipt, "files": selectors.files_of(announcement)}
    if policies.can_manage(request.user, announcement):
        context["reach"] = selectors.reach(announcement)
        context["can_remind"] = policies.can_remind(request.user, announcement)
        context["next_reminder_at"] = policies.next_reminder_at(announcement)
    return render(request, "announcements/detail.html", context)


def _receipt_change(request, pk: int, change, done: str):
    """Confirm or dismiss: with htmx the pinned card is replaced by a short confirmation."""
    announcement, _receipt = selectors.announcement_for(request.user, pk)
    try:
        change(announcement=announcement, user=request.user)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(" ".join(error.messages), status=400)
        messages.error(request, " ".join(error.messages))
        return redirect(announcement)
    if request.htmx:
        return render(request, "announcements/_done.html", {"announcement": announcement, "done": done})
    messages.success(request, done)
    return redirect(safe_next(request, reverse("home")))


@login_required
@require_POST
def acknowledge(request, pk: int):
    return _receipt_change(request, pk, services.announcement_acknowledge, _("Thank you: confirmed as read."))


@login_required
@require_POST
def dismiss(request, pk: int):
    return _receipt_change(
        request, pk, services.announcement_dismiss, _("Announcement removed from your feed.")
    )


@login_required
@require_POST
def remind(request, pk: int):
    announcement, _receipt = selectors.announcement_for(request.user, pk)
    try:
        count = services.announcement_remind(announcement=announcement, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Reminder sent to %(n)d people.") % {"n": count})
    return redirect(announcement)
