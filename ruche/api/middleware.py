"""Under /api/ruche/, every answer is JSON: errors that no operation produced are put in the API's shape too.

An unknown path (Django's 404), a wrong method (django-ninja's 405, which is plain text), a request
Django refused before any view (400, 413) or a server error would otherwise answer an HTML page to a
script that reads JSON.
"""

from django.utils.translation import gettext as _

from ruche.api.auth import callers_language
from ruche.api.errors import json_error

API_PREFIX = "/api/ruche/"  # Mastodon's API (ruche.mastodon) answers its own errors
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_api_request(request) or response.get("Content-Type", "").startswith("application/json"):
            return response
        if response.status_code >= 400:
            return _as_json(request, response)
        if response.status_code in {301, 308} and request.method not in SAFE_METHODS:
            # CommonMiddleware's added slash: a client would resend the body as a GET, or not at all.
            with callers_language(request):
                detail = _("Not found. Did you mean %(path)s?") % {"path": response["Location"]}
            return json_error(404, detail)
        return response


def _as_json(request, response):
    with callers_language(request):
        replaced = json_error(response.status_code, _detail(request, response))
    if "Allow" in response:
        replaced["Allow"] = response["Allow"]
    return replaced


def _detail(request, response) -> str:
    status = response.status_code
    if status == 404:
        return _("Not found.")
    if status == 405:
        allowed = ", ".join(sorted(m.strip() for m in response.get("Allow", "").split(",") if m.strip()))
        return _("The method %(method)s is not allowed here (allowed: %(allowed)s).") % {
            "method": request.method,
            "allowed": allowed,
        }
    if status == 403:
        return _("You are not allowed to do this.")
    if status == 413:
        return _("The request is too large.")
    if status >= 500:
        return _("Something went wrong on the server; the error was logged.")
    return _("The request could not be understood.")
