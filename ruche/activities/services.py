"""Writes: activities recorded, webhook endpoints registered, deliveries attempted."""

import datetime
import hashlib
import hmac
import json
import re
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.activities import policies, streams
from ruche.activities.models import Activity, WebhookDelivery, WebhookEndpoint
from ruche.communities.models import Community, Placement
from ruche.core import outbound
from ruche.core.outbox import email_queue

# Seconds before each retry of a failed delivery: 1 min, 5 min, 30 min, 2 h, 12 h, then given up.
BACKOFF = (60, 300, 1800, 7200, 43200)
EXCERPT = 500
Status = WebhookDelivery.Status


def activity_record(
    *, type: str, actor_id: int, kind: str, object_id: int, post_id=None, community_id=None, detail=None
) -> Activity:
    """Record an activity in the caller's transaction, and queue it for the endpoints that want it."""
    activity = Activity.objects.create(
        type=type,
        actor_id=actor_id,
        object_kind=kind,
        object_id=object_id,
        post_id=post_id,
        community_id=community_id,
        detail=detail or {},
    )
    _dispatch(activity)
    return activity


def activity_released(*, post_id: int) -> None:
    """A post or a reply a moderator approved: its Create, skipped by endpoints whose owners could
    not read it while it waited, goes to those that have not received it yet."""
    activity = Activity.objects.filter(
        post_id=post_id, type__in=[Activity.Type.CREATE, Activity.Type.ANNOUNCE]
    ).first()
    if activity is not None:
        _dispatch(activity, again=True)


def _dispatch(activity: Activity, again: bool = False) -> None:
    """One query when nobody listens; a delivery row and a task per endpoint that wants it. The
    owner's right to read it is checked when it is sent (it may change before). `again`: not to
    the endpoints that already received it."""
    wanted = [
        (pk, community_id)
        for pk, community_id, types in WebhookEndpoint.objects.filter(active=True).values_list(
            "pk", "community_id", "types"
        )
        if activity.type in types
    ]
    scoped = {community_id for _pk, community_id in wanted if community_id}
    if scoped:
        scoped = set(_communities_of(activity, scoped))
    targets = [pk for pk, community_id in wanted if community_id is None or community_id in scoped]
    if again and targets:
        done = set(
            WebhookDelivery.objects.filter(activity=activity, endpoint_id__in=targets)
            .exclude(status__in=[Status.SKIPPED, Status.GAVE_UP])  # received, or on its way
            .values_list("endpoint_id", flat=True)
        )
        targets = [pk for pk in targets if pk not in done]
    for pk in targets:
        _delivery_queue(WebhookDelivery(endpoint_id=pk, activity=activity, event=activity.type))


def _communities_of(activity: Activity, among: set[int]):
    """Of the communities `among`, those where the activity happened (selectors.in_community)."""
    if activity.community_id:
        return [activity.community_id] if activity.community_id in among else []
    if activity.post_id is None:
        return []
    thread = Q(post_id=activity.post_id) | Q(post__replies__pk=activity.post_id)
    return (
        Placement.objects.filter(thread, community_id__in=among, status=Placement.Status.APPROVED)
        .values_list("community_id", flat=True)
        .distinct()
    )


def _delivery_queue(delivery: WebhookDelivery, run_after: datetime.datetime | None = None) -> None:
    from ruche.activities.tasks import webhook_deliver

    delivery.save(force_insert=True)
    task = webhook_deliver.using(run_after=run_after) if run_after else webhook_deliver
    task.enqueue(delivery_id=delivery.pk)


# Endpoints


def _clean(*, community: Community | None, name: str, url: str, types) -> dict:
    errors = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give this webhook a name.")
    elif len(name) > 80:
        errors["name"] = _("A name is limited to %(max)d characters.") % {"max": 80}
    url = (url or "").strip()
    try:
        _check_url(url)
    except ValidationError as error:
        errors["url"] = error.messages
    types = [t for t in dict.fromkeys(types or ()) if t in Activity.Type.values]
    if not types:
        errors["types"] = _("Choose at least one kind of activity.")
    if errors:
        raise ValidationError(errors)
    return {"name": name, "url": url, "types": types}


def _check_url(url: str) -> None:
    """https, to a public address now (the delivery checks again: names can change); http only to
    a host the administrator allowed (RUCHE_FETCH_ALLOWED_HOSTS)."""
    if not url or len(url) > 500:
        raise ValidationError(_("Enter the receiver's web address (up to 500 characters)."))
    parts = urlsplit(url)
    try:
        port = parts.port or {"http": 80, "https": 443}.get(parts.scheme, 0)
    except ValueError:
        raise ValidationError(_("This is not a valid web address.")) from None
    host = (parts.hostname or "").lower()
    if parts.scheme != "https" and not (parts.scheme == "http" and outbound.host_allowed(host, port)):
        raise ValidationError(_("A webhook's address must start with https://."))
    try:
        outbound.checked_target(url)
    except outbound.Refused as refusal:
        raise ValidationError(
            _("This address cannot receive webhooks: %(reason)s") % {"reason": refusal}
        ) from None
    except outbound.Unreachable:
        raise ValidationError(_("This address's name does not resolve: check it.")) from None


@transaction.atomic
def endpoint_create(*, by, community: Community | None, name: str, url: str, types) -> WebhookEndpoint:
    if not policies.can_manage_webhooks(by, community):
        raise PermissionDenied(_("You cannot manage webhooks here."))
    return WebhookEndpoint.objects.create(
        owner=by, community=community, **_clean(community=community, name=name, url=url, types=types)
    )


@transaction.atomic
def endpoint_update(*, by, endpoint: WebhookEndpoint, name: str, url: str, types) -> WebhookEndpoint:
    if not policies.can_manage_webhooks(by, endpoint.community):
        raise PermissionDenied(_("You cannot manage webhooks here."))
    for field, value in _clean(community=endpoint.community, name=name, url=url, types=types).items():
        setattr(endpoint, field, value)
    endpoint.save(update_fields=["name", "url", "types"])
    return endpoint


@transaction.atomic
def endpoint_pause(*, by, endpoint: WebhookEndpoint, paused: bool) -> WebhookEndpoint:
    if not policies.can_manage_webhooks(by, endpoint.community):
        raise PermissionDenied(_("You cannot manage webhooks here."))
    endpoint.active = not paused
    endpoint.paused_reason = ""
    if not paused:
        endpoint.failing_since = None  # a fresh start: its owner says the receiver works again
    endpoint.save(update_fields=["active", "paused_reason", "failing_since"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, by, endpoint: WebhookEndpoint) -> None:
    if not policies.can_manage_webhooks(by, endpoint.community):
        raise PermissionDenied(_("You cannot manage webhooks here."))
    endpoint.delete()


@transaction.atomic
def endpoint_test(*, by, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """Queue a "ping": a test event the receiver can check the signature of, sent even when paused."""
    if not policies.can_manage_webhooks(by, endpoint.community):
        raise PermissionDenied(_("You cannot manage webhooks here."))
    delivery = WebhookDelivery(endpoint=endpoint, event="ping")
    _delivery_queue(delivery)
    return delivery


# Deliveries


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Ruche-Signature value: HMAC-SHA256 of "<timestamp>.<body>" with the endpoint's secret."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def payload(delivery: WebhookDelivery) -> dict | None:
    """The AS2 body, as the endpoint's owner may read it now; None when they may no longer (the
    community's owner stepped down, the post went private, the owner left the company)."""
    endpoint = delivery.endpoint
    if delivery.activity_id is None:  # a test event
        return streams.with_context(
            {
                "id": f"urn:uuid:{delivery.uid}",  # a test event is nowhere on the site
                "type": "Create",
                "summary": "Ruche test event",
                "actor": streams.person(endpoint.owner),
                "object": {"type": "Note", "content": "<p>This is a test event from Ruche.</p>"},
                "published": delivery.created.isoformat(),
            }
        )
    from ruche.activities.selectors import activity_for

    if not policies.can_manage_webhooks(endpoint.owner, endpoint.community):
        return None
    activity = activity_for(endpoint.owner, delivery.activity_id)
    return streams.with_context(streams.activity(endpoint.owner, activity)) if activity else None


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for this run (a task run twice, or at once, sends it once); one stuck in
    "sending" longer than a request can last was lost with its worker and is taken again."""
    stale = timezone.now() - datetime.timedelta(seconds=settings.FETCH_TIMEOUT_SECONDS * 4 + 60)
    claimable = Q(status=Status.PENDING) | Q(status=Status.SENDING, started_at__lt=stale)
    now = timezone.now()
    if not WebhookDelivery.objects.filter(claimable, pk=delivery_id).update(
        status=Status.SENDING, started_at=now
    ):
        return None
    return WebhookDelivery.objects.select_related("endpoint__owner", "endpoint__community").get(
        pk=delivery_id
    )


def delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one delivery (no transaction around the request: nothing is locked while the receiver
    answers), record what happened, and on failure queue the next attempt or give up."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    ping = delivery.activity_id is None
    data = payload(delivery) if ping or endpoint.active else None
    if data is None:
        return _finish(
            delivery, Status.SKIPPED, error=_("Not sent: paused, or no longer readable by its owner.")
        )
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": streams.MEDIA_TYPE,
        "X-Ruche-Event": delivery.event,
        "X-Ruche-Delivery": str(delivery.uid),
        "X-Ruche-Timestamp": timestamp,
        "X-Ruche-Signature": sign(endpoint.secret, timestamp, body),
    }
    started = time.monotonic()
    try:
        response = outbound.post(endpoint.url, body=body, headers=headers)
    except outbound.FetchError as error:
        return _failed(delivery, started, error=str(error))
    excerpt = _excerpt(response.body)
    if response.ok:
        return _succeeded(delivery, started, response.status, excerpt)
    return _failed(delivery, started, status_code=response.status, excerpt=excerpt,
                   error=_("The receiver answered %(status)s.") % {"status": response.status})  # fmt: skip


def _excerpt(body: bytes) -> str:
    """The answer's first characters, as text without control characters (shown on a page)."""
    text = body[: EXCERPT * 4].decode("utf-8", errors="replace")
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", text)[:EXCERPT]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _finish(delivery: WebhookDelivery, status: str, **fields) -> WebhookDelivery:
    for name, value in {"status": status, **fields}.items():
        setattr(delivery, name, value)
    delivery.save()
    return delivery


@transaction.atomic
def _succeeded(delivery, started, status_code, excerpt) -> WebhookDelivery:
    WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
    return _finish(
        delivery, Status.SUCCEEDED, status_code=status_code, duration_ms=_ms(started),
        response_excerpt=excerpt, delivered_at=timezone.now(),
    )  # fmt: skip


@transaction.atomic
def _failed(delivery, started, *, error: str, status_code=None, excerpt="") -> WebhookDelivery:
    """Record the failed attempt; queue the next one after its pause, or give up; pause an endpoint
    failing for longer than RUCHE_WEBHOOK_PAUSE_DAYS and tell its owner."""
    now = timezone.now()
    retry = delivery.activity_id is not None and delivery.attempt <= len(BACKOFF)
    next_at = now + datetime.timedelta(seconds=BACKOFF[delivery.attempt - 1]) if retry else None
    _finish(
        delivery, Status.FAILED if retry else Status.GAVE_UP, status_code=status_code, duration_ms=_ms(started),
        response_excerpt=excerpt, error=error[:300], next_attempt_at=next_at,
    )  # fmt: skip
    if delivery.activity_id is None:
        return delivery  # a test event says how the receiver is doing; it does not count as failing
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
    elif endpoint.active and now - endpoint.failing_since > datetime.timedelta(
        days=settings.WEBHOOK_PAUSE_DAYS
    ):
        _pause_failing(endpoint)
        return delivery
    if retry:
        try:
            with transaction.atomic():
                _delivery_queue(
                    WebhookDelivery(
                        endpoint_id=delivery.endpoint_id, activity_id=delivery.activity_id, event=delivery.event,
                        uid=delivery.uid, attempt=delivery.attempt + 1,
                    ),
                    run_after=next_at,
                )  # fmt: skip
        except IntegrityError:
            pass  # that attempt is already queued (this one ran twice)
    return delivery


def _pause_failing(endpoint: WebhookEndpoint) -> None:
    endpoint.active = False
    endpoint.paused_reason = _("Failing for more than %(days)d days.") % {"days": settings.WEBHOOK_PAUSE_DAYS}
    endpoint.save(update_fields=["active", "paused_reason"])
    email_queue(
        recipient=endpoint.owner,
        kind="webhook_paused",
        template="activities/email/webhook_paused",
        context={"endpoint": endpoint, "url": streams.absolute(endpoint_page(endpoint))},
        key=f"webhook_paused:{endpoint.pk}:{int(endpoint.failing_since.timestamp())}",
        check_preference=False,
    )


def deliveries_trim(*, now: datetime.datetime | None = None) -> int:
    """Delete the attempts older than RUCHE_WEBHOOK_DELIVERIES_DAYS, in batches (never one that
    waits to be sent); returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.WEBHOOK_DELIVERIES_DAYS)
    old = WebhookDelivery.objects.filter(created__lt=cutoff).exclude(
        status__in=[Status.PENDING, Status.SENDING]
    )
    deleted = 0
    while batch := list(old.values_list("pk", flat=True)[:1000]):
        deleted += WebhookDelivery.objects.filter(pk__in=batch).delete()[0]
    return deleted


def endpoint_page(endpoint: WebhookEndpoint) -> str:
    from django.urls import reverse

    if endpoint.community_id is None:
        return reverse("activities:company_webhook", args=[endpoint.pk])
    return reverse("activities:community_webhook", args=[endpoint.community.slug, endpoint.pk])
