"""`@endpoint`: what every Mastodon API view shares (how to add one: ruche/mastodon/__init__.py).

A Mastodon client authenticates with a bearer token only (an OAuth token, or a personal token with
every scope): the session cookie is ignored, so a page open in the browser lends no authority to a
cross-site request, and the view is CSRF-exempt. Errors are Mastodon's: `{"error": "…"}` with its
status (401 no or bad token, 403 outside the scopes or not allowed, 404 record not found, 422
validation failed).
"""

import functools
import json
import re

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse, QueryDict
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt

from ruche.mastodon.tokens import bearer_for

UNSAFE_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def endpoint(*, methods: tuple[str, ...] = ("GET",), scopes: tuple[str, ...] = (), auth: bool = True):
    """Wraps `view(request, *args, **kwargs)`; the view reads `request.user` (the token's owner, or
    AnonymousUser when auth=False and no token), `request.bearer` (tokens.Bearer or None) and
    `request.params` (query string and body merged, see `params`). `scopes`: the token must grant
    one of them (a parent scope grants its children)."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in methods and not (request.method == "HEAD" and "GET" in methods):
                response = error(405, "Method not allowed")
                response["Allow"] = ", ".join(methods)
                return response
            bearer = bearer_for(request)
            if bearer is None and (auth or request.headers.get("Authorization")):
                return error(401, "The access token is invalid")
            if auth and bearer.user is None:
                return error(422, "This method requires an authenticated user")
            if bearer is not None and scopes and not any(bearer.grants(scope) for scope in scopes):
                return error(403, "This action is outside the authorized scopes")
            request.bearer = bearer
            request.user = bearer.user if bearer is not None and bearer.user else AnonymousUser()
            try:
                request.params = params(request)
            except ValueError:
                return error(400, "The request body could not be read")
            language = getattr(request.user, "language", "") or translation.get_language()
            with translation.override(language):
                try:
                    return view(request, *args, **kwargs)
                except Http404:
                    return error(404, "Record not found")
                except PermissionDenied:
                    return error(403, "This action is not allowed")
                except ValidationError as problem:
                    return error(422, "Validation failed: " + "; ".join(_messages(problem)))

        wrapped.mastodon_endpoint = {"methods": methods, "scopes": scopes, "auth": auth}
        return wrapped

    return decorator


def _messages(problem: ValidationError) -> list[str]:
    if hasattr(problem, "error_dict"):
        return [
            f"{field}: {m}" if field != "__all__" else str(m)
            for field, ms in problem.message_dict.items()
            for m in ms
        ]
    return [str(m) for m in problem.messages]


_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def params(request) -> dict:
    """The query string and the body (form-encoded, multipart or JSON) as one dict, Rails-style:
    `a=1` → {"a": "1"}, `a[]=1&a[]=2` → {"a": ["1", "2"]}, `f[0][name]=x` → {"f": {"0": {"name": "x"}}}.
    Files stay in `request.FILES` (PATCH and PUT multipart bodies are parsed into it here too)."""
    merged: dict = {}
    _merge(merged, request.GET)
    if request.method in UNSAFE_BODY_METHODS:
        content_type = request.content_type or ""
        if content_type == "application/json":
            body = json.loads(request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("not an object")
            merged.update(body)
        elif request.method == "POST":
            _merge(merged, request.POST)
        elif content_type == "multipart/form-data":
            data, files = request.parse_file_upload(request.META, request)
            request._files = files
            _merge(merged, data)
        elif content_type == "application/x-www-form-urlencoded":
            _merge(merged, QueryDict(request.body, encoding=request.encoding))
    return merged


def _merge(into: dict, data: MultiValueDict) -> None:
    for key, values in data.lists():
        match = _KEY.match(key)
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))] if match else [key]
        as_list = path[-1] == "" and len(path) > 1
        if as_list:
            path.pop()
        target = into
        for part in path[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                raise ValueError(f"{key}: mixed shapes")
        target[path[-1]] = list(values) if as_list else values[-1]
