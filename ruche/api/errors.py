"""One error format for every 4xx: `{"detail": "…", "field": "body" | null, "errors": [...]}`.

`detail` is in the caller's language; `field` names the input at fault when there is one; `errors`
lists every fault (`{"field", "detail"}`) when there are several. Services' ValidationError is a 400,
input that does not parse (wrong type, missing, too long) a 422, PermissionDenied a 403, what the caller
may not see or that does not exist a 404, a missing or invalid credential a 401.
"""

import contextlib

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

BODY_PARAM = "payload"  # every endpoint names its JSON body so; it is not a field of the input


class FieldError(Schema):
    field: str | None = None
    detail: str


class Error(Schema):
    detail: str
    field: str | None = None
    errors: list[FieldError] = []


def _body(errors: list[tuple[str | None, str]]) -> dict:
    field, detail = errors[0]
    body = {"detail": detail, "field": field}
    if len(errors) > 1:
        body["errors"] = [{"field": f, "detail": d} for f, d in errors]
    return body


def json_error(status: int, detail: str, field: str | None = None) -> JsonResponse:
    """An error in the API's shape, for those answered outside an operation (middleware)."""
    return JsonResponse(
        {"detail": detail, "field": field}, status=status, content_type="application/json; charset=utf-8"
    )


def _field_of(location) -> str | None:
    """("body", "payload", "communities", 0) -> "communities"; ("query", "before") -> "before"."""
    names = [str(part) for part in location[1:] if isinstance(part, str)]
    if names[:1] == [BODY_PARAM]:
        names = names[1:]
    return ".".join(names) or None


def _input_message(error: dict) -> str:
    """Pydantic speaks English only: say it in the caller's language, by the kind of fault."""
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in {"string_too_long", "too_long"} and "max_length" in context:
        return _("Ensure this value has at most %(max)d characters.") % {"max": context["max_length"]}
    if kind in {"string_too_short", "too_short"} and "min_length" in context:
        return _("Ensure this value has at least %(min)d characters.") % {"min": context["min_length"]}
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return _("This value is out of range.")
    if kind in {"literal_error", "enum"}:
        return _("Choose one of the allowed values.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"uuid_parsing", "uuid_type"}:
        return _("Enter a valid UUID.")
    return _("Enter a valid value.")


@contextlib.contextmanager
def on_field(field: str):
    """A service's ValidationError that names no field is about `field` in this endpoint's input."""
    try:
        yield
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        raise DjangoValidationError({field: error.messages}) from error


def install(api: NinjaAPI) -> None:
    @api.exception_handler(DjangoValidationError)
    def service_refused(request, exc: DjangoValidationError):
        if hasattr(exc, "error_dict"):
            errors = [
                (None if name == NON_FIELD_ERRORS else name, message)
                for name, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            errors = [(None, message) for message in exc.messages]
        return api.create_response(request, _body(errors or [(None, _("Invalid input."))]), status=400)

    @api.exception_handler(NinjaValidationError)
    def input_invalid(request, exc: NinjaValidationError):
        errors = [(_field_of(e.get("loc", ())), _input_message(e)) for e in exc.errors]
        return api.create_response(request, _body(errors or [(None, _("Invalid input."))]), status=422)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc: PermissionDenied):
        detail = str(exc) or _("You are not allowed to do this.")
        return api.create_response(request, {"detail": detail, "field": None}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc: Http404):
        return api.create_response(request, {"detail": _("Not found."), "field": None}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc: AuthenticationError):
        detail = exc.message if exc.message != "Unauthorized" else _("Sign in, or send an API token.")
        response = api.create_response(request, {"detail": detail, "field": None}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        detail = str(exc.message)
        if exc.status_code == 400 and detail.startswith("Cannot parse request body"):
            detail = _("The request body is not valid JSON.")
        return api.create_response(request, {"detail": detail, "field": None}, status=exc.status_code)
