"""The address a business tool posts to: `/hooks/in/<public id>/<secret>/`, or `/hooks/in/<public
id>/` with the secret in `Authorization: Bearer …` or `X-Ruche-Token`. No session, no CSRF: the
secret is the credential. Every refusal is JSON `{"error": …}` and writes nothing (docs/integrations.md)."""

import json
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ruche.communities.models import Placement
from ruche.core.input import json_value_fault
from ruche.integrations import selectors, services

TEXT_TYPES = ("text/plain", "text/markdown", "text/x-markdown")
JSON_TYPES = ("application/json",)


class Refusal(Exception):
    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _error(refusal: Refusal) -> JsonResponse:
    response = JsonResponse({"error": refusal.message}, status=refusal.status)
    for name, value in refusal.headers.items():
        response[name] = value
    return response


@csrf_exempt
@require_POST
def incoming(request, public_id: str, secret: str | None = None):
    try:
        integration = _authorised(request, public_id, secret)
        _within_rate(integration)
        text, title = _message(request)
        post = services.integration_post(integration=integration, text=text, title=title)
    except Refusal as refusal:
        return _error(refusal)
    except ValidationError as error:
        return _error(Refusal(400, " ".join(error.messages)))
    except PermissionDenied as error:  # the community was archived meanwhile
        return _error(Refusal(403, str(error)))
    waiting = post.placements.filter(status=Placement.Status.PENDING).exists()
    return JsonResponse(
        {"id": post.pk, "url": request.build_absolute_uri(post.get_absolute_url()),
         "status": "awaiting_approval" if waiting else "published"},
        status=201,
    )  # fmt: skip


def _presented_secret(request, secret: str | None) -> str:
    if secret:
        return secret
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("X-Ruche-Token", "").strip()


def _authorised(request, public_id: str, secret: str | None):
    integration = selectors.integration_by_public_id(public_id)
    if integration is None:
        raise Refusal(404, _("No incoming webhook has this address (it may have been deleted)."))
    presented = _presented_secret(request, secret)
    if not presented:
        raise Refusal(
            401,
            _("The secret is missing: put it at the end of the address, or send it in an "
              "“Authorization: Bearer …” or “X-Ruche-Token” header."),
            {"WWW-Authenticate": 'Bearer realm="ruche"'},
        )  # fmt: skip
    if not services.secret_matches(integration, presented):
        raise Refusal(403, _("The secret is wrong (was it regenerated?)."))
    if integration.is_paused:
        raise Refusal(410, _("This integration is paused: ask the community's owners to resume it."))
    return integration


def _within_rate(integration) -> None:
    """At most RUCHE_INCOMING_WEBHOOK_PER_MINUTE posts a minute per integration: a counter per
    minute in the cache (shared by every process when the cache is Redis)."""
    limit = settings.INCOMING_WEBHOOK_PER_MINUTE
    now = time.time()
    key = f"integrations:rate:{integration.pk}:{int(now // 60)}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        retry = max(int(60 - now % 60), 1)
        raise Refusal(
            429,
            _("Too many posts: %(limit)d a minute at most. Try again in %(seconds)d seconds.")
            % {"limit": limit, "seconds": retry},
            {"Retry-After": str(retry)},
        )


def _body(request) -> bytes:
    """The body, read no further than the limit: a larger one announced by Content-Length is refused
    before a byte of it is read; one sent in chunks, as soon as it passes the limit."""
    limit = settings.INCOMING_WEBHOOK_MAX_BYTES
    too_big = Refusal(413, _("The message is too large: %(kb)d KB at most.") % {"kb": limit // 1024})
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Refusal(400, _("The Content-Length header is not a number.")) from None
    if announced > limit:
        raise too_big
    raw = request.read(limit + 1)
    if len(raw) > limit:
        raise too_big
    return raw


def _message(request) -> tuple[str, str]:
    """(text, title) from a Markdown or plain-text body, or a JSON object: `{"text": …}` (Slack's
    shape), `{"markdown": …}`, each with an optional `"title"`."""
    content_type = request.content_type or ""
    if content_type not in TEXT_TYPES + JSON_TYPES:
        raise Refusal(415, _("Send the message as text/markdown, text/plain or application/json."))
    raw = _body(request)
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, _("The message is not UTF-8 text.")) from None
    if content_type in TEXT_TYPES:
        text, title = decoded, ""
    else:
        text, title = _from_json(decoded)
    if fault := json_value_fault([text, title]):
        raise Refusal(400, fault.message)
    if not text.strip():
        raise Refusal(400, _("The message is empty: send some text."))
    return text, title


def _from_json(decoded: str) -> tuple[str, str]:
    try:
        data = json.loads(decoded)
    except (ValueError, RecursionError):
        raise Refusal(400, _("The body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise Refusal(400, _('The JSON body must be an object, such as {"text": "…"}.'))
    text = data.get("markdown") or data.get("text") or ""
    title = data.get("title") or ""
    if not isinstance(text, str) or not isinstance(title, str):
        raise Refusal(400, _("“text”, “markdown” and “title” must be strings."))
    return text, title
