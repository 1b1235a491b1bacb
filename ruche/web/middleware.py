"""Bad input is refused before any view runs, in one place for every page and every API operation."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404, UnreadablePostError
from django.shortcuts import render

from ruche.api.auth import callers_language
from ruche.api.errors import json_error
from ruche.api.middleware import is_api_request
from ruche.core.input import Fault, Kind, fault_of
from ruche.core.machine import shape_for


class InputGuardMiddleware:
    """A request holding what the database cannot keep (a NUL, a lone surrogate, an integer beyond a
    bigint), text that is not UTF-8, or a multipart body that did not arrive whole is answered 400
    (the API: 422 for a field, in its JSON shape) naming the field, and nothing is written. A path
    holding such a character cannot exist: 404.

    It comes after the signed-in person's language is chosen and before CSRF reads the form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fault = fault_of(request, api=is_api_request(request))
        if fault is None:
            return self.get_response(request)
        return self._refused(request, fault)

    def _refused(self, request, fault: Fault):
        api = is_api_request(request)
        if fault.in_path:
            raise Http404
        if api:
            with callers_language(request):
                return json_error(422 if fault.field else 400, fault.message, fault.field)
        shape = shape_for(request.path_info)  # another machine interface: its own error shape
        if shape is not None:
            return shape(400, str(fault.message))
        return render(request, "400.html", {"detail": fault.message}, status=400)

    def process_exception(self, request, exception):
        """A service's refusal a page did not catch (the API answers its own): still a 400, not a 500.
        So is a body that a view reading its own (see ruche/core/input.py) could not read whole."""
        if isinstance(exception, UnreadablePostError):
            return self._refused(request, Fault(Kind.UNREADABLE))
        if not isinstance(exception, ValidationError) or is_api_request(request):
            return None
        details = [
            message if name == NON_FIELD_ERRORS else f"“{name}”: {message}"
            for name, messages in getattr(
                exception, "message_dict", {NON_FIELD_ERRORS: exception.messages}
            ).items()
            for message in messages
        ]
        return render(request, "400.html", {"detail": " ".join(details)}, status=400)
