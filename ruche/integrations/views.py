"""A community's incoming webhooks, for those who manage it: create, pause, regenerate, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.core.views import apply_errors
from ruche.integrations import selectors, services
from ruche.integrations.forms import IntegrationForm


def _address(request, integration, secret: str) -> str:
    """The address with its secret, shown once (only its hash is kept)."""
    return request.build_absolute_uri(
        reverse("integrations:incoming_secret", args=[integration.public_id, secret])
    )


def _page(request, community, role, form, *, created=None, address=None, status=200):
    context = {
        "community": community,
        "role": role,
        "form": form,
        "integrations": selectors.integrations_of(community, request.user),
        "created": created,
        "address": address,
        "header_address": request.build_absolute_uri(reverse("integrations:incoming", args=["ID"])),
    }
    return render(request, "integrations/integrations.html", context, status=status)


@login_required
def integrations(request, slug: str):
    community, role = selectors.managed_community(request.user, slug)
    form = IntegrationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.integration_create(community=community, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            # The secret is shown in this answer only: no redirect could carry it without storing it.
            address = _address(request, made.integration, made.secret)
            return _page(
                request, community, role, IntegrationForm(), created=made.integration, address=address
            )
    return _page(request, community, role, form, status=400 if form.errors else 200)


@login_required
@require_POST
def regenerate(request, slug: str, pk: int):
    community, role = selectors.managed_community(request.user, slug)
    integration = selectors.integration_in(community, pk)
    secret = services.integration_regenerate(integration=integration, by=request.user)
    return _page(
        request,
        community,
        role,
        IntegrationForm(),
        created=integration,
        address=_address(request, integration, secret),
    )


@login_required
@require_POST
def edit(request, slug: str, pk: int):
    community, role = selectors.managed_community(request.user, slug)
    integration = selectors.integration_in(community, pk)
    form = IntegrationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.integration_update(integration=integration, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” saved.") % {"name": integration})
            return redirect("integrations:list", slug=community.slug)
    errors = " ".join(e for field in form.errors.values() for e in field)
    messages.error(request, errors)
    return _page(request, community, role, IntegrationForm(), status=400)


@login_required
@require_POST
def pause(request, slug: str, pk: int):
    community, _role = selectors.managed_community(request.user, slug)
    paused = request.POST.get("paused") == "1"
    integration = services.integration_pause(
        integration=selectors.integration_in(community, pk), by=request.user, paused=paused
    )
    messages.success(
        request, (_("“%(name)s” paused.") if paused else _("“%(name)s” resumed.")) % {"name": integration}
    )
    return redirect("integrations:list", slug=community.slug)


@login_required
@require_POST
def delete(request, slug: str, pk: int):
    community, _role = selectors.managed_community(request.user, slug)
    integration = selectors.integration_in(community, pk)
    services.integration_delete(integration=integration, by=request.user)
    messages.success(request, _("“%(name)s” deleted; what it posted stays.") % {"name": integration})
    return redirect("integrations:list", slug=community.slug)
