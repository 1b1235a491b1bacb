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
