"""Writes of the Mastodon apps: registering one (anyone may, as on Mastodon), revoking one's access."""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from oauth2_provider.models import AccessToken, Application, Grant, RefreshToken

from ruche.mastodon import scopes as mastodon_scopes
from ruche.mastodon.models import AppDetails
from ruche.mastodon.oauth import OOB

FORBIDDEN_SCHEMES = {"javascript", "data", "file", "vbscript"}


def _redirect_uris(raw) -> list[str]:
    values = raw if isinstance(raw, list) else str(raw or "").split()
    uris = [value.strip() for value in values if value.strip()]
    if not uris:
        raise ValidationError({"redirect_uris": "can't be blank"})
    for uri in uris:
        scheme, colon, rest = uri.partition(":")
        if uri == OOB:
            continue
        if (
            not colon
            or not scheme.isascii()
            or not scheme[:1].isalpha()
            or scheme.lower() in FORBIDDEN_SCHEMES
        ):
            raise ValidationError({"redirect_uris": "must be an absolute URI"})
        if scheme.lower() in {"http", "https"}:
            URLValidator(schemes=["http", "https"], message="must be an absolute URI")(uri)
        elif not rest.strip("/"):
            raise ValidationError({"redirect_uris": "must be an absolute URI"})
    return uris


def _scopes(raw) -> str:
    asked = (raw if isinstance(raw, list) else str(raw or "")).split() if not isinstance(raw, list) else raw
    asked = asked or [mastodon_scopes.DEFAULT]
    unknown = mastodon_scopes.unknown(asked)
    if unknown:
        raise ValidationError({"scopes": "unknown: " + " ".join(unknown)})
    return " ".join(dict.fromkeys(asked))


@transaction.atomic
def app_register(*, name: str, redirect_uris, scopes=None, website: str = "") -> tuple[Application, str]:
    """A confidential app for the authorization-code and client-credentials grants. Returns the
    app and its client secret in clear (django-oauth-toolkit keeps only its hash)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"client_name": "can't be blank"})
    if len(name) > 255:
        raise ValidationError({"client_name": "is too long"})
    uris = _redirect_uris(redirect_uris)
    scope_string = _scopes(scopes)
    website = (website or "").strip()
    if website:
        URLValidator(schemes=["http", "https"], message="website: must be an http(s) address")(website)
    from oauth2_provider.generators import generate_client_secret

    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        redirect_uris=" ".join(uris),
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        client_secret=secret,
        algorithm="",
    )
    AppDetails.objects.create(application=application, website=website[:500], scopes=scope_string)
    return application, secret


@transaction.atomic
def app_revoke(*, user, application_id: int) -> int:
    """Everything `user` granted this app ends: its tokens, refresh tokens and pending codes."""
    tokens = AccessToken.objects.filter(user=user, application_id=application_id)
    count = tokens.count()
    RefreshToken.objects.filter(user=user, application_id=application_id).delete()
    tokens.delete()
    Grant.objects.filter(user=user, application_id=application_id).delete()
    return count


# Notifications and markers (ruche/mastodon/notifications.py, markers.py) ----------------------------


@transaction.atomic
def notification_dismiss(*, user, notification_id: int) -> int:
    """Mastodon's dismiss: the notification leaves the person's list (the page's too)."""
    from ruche.notifications.models import Notification
    from ruche.realtime.events import notifications_changed

    gone, _ = Notification.objects.filter(recipient=user, pk=notification_id).delete()
    if gone:
        notifications_changed(user)  # the badge of the person's open pages
    return gone


@transaction.atomic
def notifications_clear(*, user) -> int:
    """Mastodon's clear: every notification of the person is removed."""
    from ruche.notifications.models import Notification
    from ruche.realtime.events import notifications_changed

    gone, _ = Notification.objects.filter(recipient=user).delete()
    if gone:
        notifications_changed(user)
    return gone


@transaction.atomic
def marker_set(*, user, timeline: str, last_read_id: int):
    """Where the person stopped reading a timeline. The notifications marker also marks Ruche's
    notifications read up to it, as reading them in the page does."""
    from django.db.models import F
    from django.utils import timezone

    from ruche.mastodon.models import Marker
    from ruche.notifications.models import Notification
    from ruche.realtime.events import notifications_changed

    marker, created = Marker.objects.select_for_update().get_or_create(
        user=user, timeline=timeline, defaults={"last_read_id": last_read_id}
    )
    if not created:
        Marker.objects.filter(pk=marker.pk).update(
            last_read_id=last_read_id, version=F("version") + 1, updated=timezone.now()
        )
        marker.refresh_from_db()
    if timeline == Marker.Timeline.NOTIFICATIONS:
        read = Notification.objects.filter(recipient=user, pk__lte=last_read_id, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        if read:
            notifications_changed(user)
    return marker
