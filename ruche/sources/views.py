"""A community's news sources, for those who manage it: health, add, pause, remove."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.core.views import apply_errors
from ruche.sources import selectors, services
from ruche.sources.forms import SourceForm


@login_required
def sources(request, slug: str):
    community, role = selectors.managed_community(request.user, slug)
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source = services.source_add(community=community, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("“%(name)s” added: its latest items will appear shortly.") % {"name": source}
            )
            return redirect("sources:list", slug=community.slug)
    context = {"community": community, "role": role, "form": form, "sources": selectors.sources_of(community)}
    return render(request, "sources/sources.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def pause(request, slug: str, pk: int):
    community, _role = selectors.managed_community(request.user, slug)
    paused = request.POST.get("paused") == "1"
    source = services.source_pause(source=selectors.source_in(community, pk), by=request.user, paused=paused)
    messages.success(
        request, (_("“%(name)s” paused.") if paused else _("“%(name)s” resumed.")) % {"name": source}
    )
    return redirect("sources:list", slug=community.slug)


@login_required
@require_POST
def remove(request, slug: str, pk: int):
    community, _role = selectors.managed_community(request.user, slug)
    source = selectors.source_in(community, pk)
    services.source_remove(source=source, by=request.user)
    messages.success(request, _("“%(name)s” removed; what it published stays.") % {"name": source})
    return redirect("sources:list", slug=community.slug)
