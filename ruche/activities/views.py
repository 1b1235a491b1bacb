"""Activity Streams (actors, outboxes, one activity) and the webhooks' pages. Thin: the rules are in
policies, the reads in selectors, the writes in services."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from ruche.accounts.selectors import access_person
from ruche.activities import policies, selectors, services, streams
from ruche.activities.forms import EndpointForm
from ruche.communities.selectors import community_for
from ruche.core.pagination import parse_cursor
from ruche.core.views import apply_errors

# Activity Streams ---------------------------------------------------------------------------------


def _as2(data: dict, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type=f"{streams.MEDIA_TYPE}; charset=utf-8",
    )
    patch_vary_headers(response, ["Accept"])
    return response


def _signed_in(view):
    """Ruche is the company's: an anonymous client is told to authenticate (401), never redirected
    to an HTML sign-in page it cannot read; what it may not see is missing (404), as on the pages."""

    def wrapped(request, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active):
            return _as2({"error": _("Sign in to read this.")}, status=401)
        try:
            return view(request, **kwargs)
        except Http404:
            return _as2({"error": _("Not found.")}, status=404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_signed_in
def person_actor(request, handle: str):
    return _as2(streams.with_context(streams.person(access_person(request.user, handle), full=True)))


@_signed_in
def community_actor(request, slug: str):
    community, _role = community_for(request.user, slug)
    return _as2(streams.with_context(streams.group(community, full=True)))


def _outbox(request, url: str, page_of):
    """The OrderedCollection (its first page linked), or with ?page=true one OrderedCollectionPage,
    newest first, `before` an activity id (keyset)."""
    if request.GET.get("page") != "true":
        return _as2(
            streams.with_context({"id": url, "type": "OrderedCollection", "first": f"{url}?page=true"})
        )
    before = parse_cursor(request.GET.get("before"))
    page = page_of(before)
    here = f"{url}?page=true" + (f"&before={before}" if before else "")
    data = {
        "id": here,
        "type": "OrderedCollectionPage",
        "partOf": url,
        "orderedItems": streams.activities(request.user, page.items),
    }
    if page.next_cursor:
        data["next"] = f"{url}?page=true&before={page.next_cursor}"
    return _as2(streams.with_context(data))


@_signed_in
def person_outbox(request, handle: str):
    person = access_person(request.user, handle)
    url = streams.absolute(reverse("activities:person_outbox", args=[person.handle]))
    return _outbox(request, url, lambda before: selectors.person_outbox(request.user, person, before=before))


@_signed_in
def community_outbox(request, slug: str):
    community, _role = community_for(request.user, slug)
    url = streams.absolute(reverse("activities:community_outbox", args=[community.slug]))
    return _outbox(
        request, url, lambda before: selectors.community_outbox(request.user, community, before=before)
    )


@_signed_in
def activity(request, pk: int):
    item = selectors.activity_for(request.user, pk)
    if item is None:
        raise Http404
    return _as2(streams.with_context(streams.activity(request.user, item)))


# Webhooks -----------------------------------------------------------------------------------------


def _scope(request, slug: str | None):
    """The community whose webhooks these are (None: the company's), for someone who may manage them:
    404 when the community does not exist for them, 403 when it does but they are not its owner."""
    community = community_for(request.user, slug)[0] if slug else None
    if not policies.can_manage_webhooks(request.user, community):
        raise PermissionDenied
    return community


def _list_url(community) -> str:
    if community is None:
        return reverse("activities:company_webhooks")
    return reverse("activities:community_webhooks", args=[community.slug])


@login_required
def webhooks(request, slug: str | None = None):
    """The scope's endpoints, and the form that registers one (its secret shown once, here)."""
    community = _scope(request, slug)
    form = EndpointForm(request.POST or None, initial={"types": ["Create"]})
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            created = services.endpoint_create(by=request.user, community=community, **form.cleaned_data)
            form = EndpointForm(initial={"types": ["Create"]})
        except ValidationError as error:
            apply_errors(form, error)
    context = {
        "community": community,
        "endpoints": selectors.endpoints(community),
        "form": form,
        "created": created,
        "created_url": created and services.endpoint_page(created),
        "list_url": _list_url(community),
    }
    return render(request, "activities/webhooks.html", context, status=400 if form.errors else 200)


@login_required
def webhook(request, pk: int, slug: str | None = None):
    """One endpoint: edit, pause or resume, delete, send a test event; its recent deliveries."""
    community = _scope(request, slug)
    endpoint = policies.access_endpoint(request.user, community, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {"name": endpoint.name, "url": endpoint.url, "types": endpoint.types}
    form = EndpointForm(request.POST if action == "edit" else None, initial=initial)
    here = services.endpoint_page(endpoint)
    try:
        if action == "edit" and form.is_valid():
            services.endpoint_update(by=request.user, endpoint=endpoint, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect(here)
        if action in ("pause", "resume"):
            services.endpoint_pause(by=request.user, endpoint=endpoint, paused=action == "pause")
            messages.success(request, _("Paused.") if action == "pause" else _("Resumed."))
            return redirect(here)
        if action == "test":
            services.endpoint_test(by=request.user, endpoint=endpoint)
            messages.success(request, _("Test event sent: its delivery is listed below."))
            return redirect(here)
        if action == "delete":
            services.endpoint_delete(by=request.user, endpoint=endpoint)
            messages.success(request, _("“%(name)s” is deleted.") % {"name": endpoint.name})
            return redirect(_list_url(community))
    except ValidationError as error:
        apply_errors(form, error)
    context = {
        "community": community,
        "endpoint": endpoint,
        "form": form,
        "deliveries": selectors.recent_deliveries(endpoint),
        "list_url": _list_url(community),
    }
    return render(request, "activities/webhook.html", context, status=400 if form.errors else 200)
