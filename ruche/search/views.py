from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from ruche.core.views import render_page
from ruche.search import selectors
from ruche.search.forms import EXPERTS, SearchForm
from ruche.search.services import search_ran

EXPERTS_SHOWN = 10


@login_required
@require_GET
def search_page(request):
    choices = selectors.filter_choices(request.user, request.GET.get("community", "")[:12])
    form = SearchForm(request.GET, **choices)
    results = experts = None
    kind = ""
    if form.is_valid():
        data = form.cleaned_data
        kind = data.get("kind") or ""
        query = data.get("q") or ""
        if kind == EXPERTS:
            results = selectors.search_terms_only(query)
            if not results.error:
                experts = selectors.experts_for(viewer=request.user, topic=query, limit=EXPERTS_SHOWN)
        elif "q" in request.GET:
            author_id = selectors.author_id(data.get("author") or "")
            filters = form.filters(author_id)
            results = selectors.search(viewer=request.user, query=query, filters=filters)
            search_ran(user=request.user, query=query, total=results.total, offset=filters.offset)
    context = {
        "form": form,
        "results": results,
        "experts": experts,
        "kind": kind,
        "query": request.GET.get("q", "")[:200],
        "tabs": selectors.tabs(),
        # Selects are written out in the template: Django's widget rendering of a few hundred
        # options costs tens of milliseconds.
        "selects": [
            (name, form.fields[name].label, form.fields[name].choices, str(request.GET.get(name, "")))
            for name in ("order", "community", "department", "site")
        ],
    }
    return render_page(request, "search/search.html", context, partial="search/search.html#results")
