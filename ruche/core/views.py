"""Small helpers that keep views thin."""

from django.core.exceptions import ValidationError
from django.forms import Form
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def render_page(request, template: str, context: dict, *, partial: str | None = None, status: int = 200):
    """The full page, or only `partial` when htmx asks for a fragment."""
    name = partial if partial and getattr(request, "htmx", False) else template
    return render(request, name, context, status=status)


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
