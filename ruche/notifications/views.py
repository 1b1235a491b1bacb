from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from ruche.accounts.models import User
from ruche.core.pagination import parse_cursor
from ruche.core.views import render_page, safe_next
from ruche.notifications import selectors, services
from ruche.notifications.mail import read_unsubscribe_token
from ruche.notifications.models import Channel
from ruche.notifications.preferences import DEFAULTS, DIGEST, kind_label


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


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    context = selectors.preferences_for(request.user)
    if request.method == "POST":
        channels = {k: {c: f"{k}:{c}" in request.POST for c in Channel.values} for k in DEFAULTS}
        levels = {c.pk: request.POST.get(f"community-{c.pk}", level) for c, level in context["communities"]}
        frequency = request.POST.get("frequency", "")
        try:
            services.preferences_save(
                user=request.user, channels=channels, frequency=frequency, communities=levels
            )
        except ValidationError as error:
            # Show what the person chose, with the reason it was refused; nothing was saved.
            context |= {
                "errors": [m for ms in error.message_dict.values() for m in ms],
                "kinds": [(k, label, channels[k]) for k, label, _c in context["kinds"]],
                "frequency": frequency,
                "communities": [(c, levels[c.pk]) for c, _l in context["communities"]],
            }
            return render(request, "notifications/preferences.html", context, status=400)
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", context)


@login_required
@require_POST
def thread_mute(request, pk: int):
    post = selectors.access_thread(request.user, pk)
    services.thread_mute(user=request.user, post=post)
    messages.success(request, _("Muted: you will hear no more about this conversation."))
    return redirect(safe_next(request, post.get_absolute_url()))


@login_required
@require_POST
def thread_unmute(request, pk: int):
    services.thread_unmute(user=request.user, post_id=pk)
    messages.success(request, _("You will hear about this conversation again."))
    return redirect(safe_next(request, reverse("notifications:preferences")))


@csrf_exempt  # mail clients POST the one-click unsubscribe (RFC 8058) without a session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """GET: a confirmation page; POST: done. Works without logging in; a link that was tampered
    with is refused and changes nothing."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.BadSignature:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=400)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or (kind != DIGEST and kind not in DEFAULTS):
        raise Http404
    done = request.method == "POST"
    if done:
        services.preference_set(user=user, kind=kind, channel=Channel.EMAIL, enabled=False)
    with translation.override(user.language or request.LANGUAGE_CODE):  # the e-mail's language
        return render(request, "notifications/unsubscribe.html", {"kind": kind_label(kind), "done": done})
