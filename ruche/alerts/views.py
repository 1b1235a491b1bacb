"""My keyword alerts: the list, a new one (from this page or from a search), removing one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.alerts import selectors, services
from ruche.alerts.forms import AlertForm
from ruche.communities.models import Community
from ruche.core.views import apply_errors, safe_next


@login_required
def alerts(request):
    # A search narrowed to a community the person does not belong to may still watch it.
    communities = selectors.watchable_communities(request.user, also=request.POST.get("community"))
    form = AlertForm(request.POST or None, communities=communities)
    if request.method == "POST" and form.is_valid():
        community = Community.objects.filter(pk=form.cleaned_data["community"]).first()
        try:
            alert = services.alert_create(
                user=request.user, query=form.cleaned_data["q"], community=community
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Alert saved: you will be told of new posts about “%(words)s”.") % {"words": alert}
            )
            return redirect(safe_next(request, reverse("alerts:list")))
    context = {"form": form, "alerts": selectors.alerts_of(request.user)}
    return render(request, "alerts/alerts.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def delete(request, pk: int):
    services.alert_delete(user=request.user, alert_id=pk)
    messages.success(request, _("Alert removed."))
    return redirect("alerts:list")
