"""The weekly summary e-mail: the dashboard's toggle (summary.py, services.summary_subscription_set)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.analytics import services

CHOICES = {"1": True, "0": False}


@login_required
@require_POST
def summary_toggle(request):
    subscribed = CHOICES.get(request.POST.get("subscribed", ""))
    if subscribed is None:
        return HttpResponseBadRequest(_("Say whether to start or to stop the weekly e-mail."))
    services.summary_subscription_set(user=request.user, subscribed=subscribed)
    if subscribed:
        messages.success(
            request, _("You will receive a summary of these figures every Monday, from next week.")
        )
    else:
        messages.success(request, _("You will no longer receive the weekly summary."))
    return redirect(reverse("analytics:dashboard") + "#summary")
