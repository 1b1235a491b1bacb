"""Small helpers that keep views thin, and the server error page."""

import sys

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.forms import Form
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults

from ruche.core.machine import shape_for


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """The full page, or only `partial` when htmx asks for a fragment."""
    name = partial if partial and getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


def unwrapped(user):
    """The person behind request.user's lazy proxy: every attribute read through the proxy costs,
    and a feed page or a card reads hundreds."""
    from django.utils.functional import empty

    if getattr(user, "_wrapped", None) is empty:
        user._setup()
    return getattr(user, "_wrapped", user)


def apply_errors(form: Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def safe_next(request, default: str) -> str:
    """The `next` parameter when it points inside Ruche, else `default` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


def server_error(request):
    """Django's 500 handler. An error from the database (a lost connection, a restarted server, a
    locked SQLite file) is an outage, not a bug: a 503 with Retry-After says to try again, and the
    broken connection is dropped so the next request opens a new one. The request's transaction did
    not commit, so nothing half-written remains."""
    error = sys.exc_info()[1]
    outage = isinstance(error, OperationalError | InterfaceError)
    if outage and not connection.in_atomic_block:
        close_old_connections()
    status = 503 if outage else 500
    message = (
        _("Ruche is briefly unavailable. Nothing was lost: try again in a few seconds.")
        if outage
        else _("Something went wrong on our side. The error was recorded; please try again.")
    )
    shape = shape_for(request.path_info)
    if shape is not None:
        response = shape(status, message)
    elif request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "field": None}, status=status)
    else:
        # A page of its own: the usual layout would query the database again.
        response = HttpResponse(render_to_string("500.html", {"message": message}), status=status)
    if outage:
        response["Retry-After"] = "5"
    return response


def page_not_found(request, exception):
    """Django's 404 handler: a program reading one of Ruche's machine interfaces gets its shape."""
    shape = shape_for(request.path_info)
    if shape is not None:
        return shape(404, _("Not found."))
    return defaults.page_not_found(request, exception)
