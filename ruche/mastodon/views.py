"""Mastodon's client API: the OAuth apps, the instance, the signed-in account; and /me/apps/.

How to add an endpoint: see ruche/mastodon/__init__.py.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ruche.accounts import services as account_services
from ruche.accounts.models import Profile
from ruche.mastodon import selectors, serializers, services
from ruche.mastodon.endpoint import endpoint, error

VERSION = "4.3.0 (compatible; Ruche 0.1)"  # clients (Mastodon.py, Tusky...) parse the leading version


# Apps ---------------------------------------------------------------------------------------------


def _application(application, details, *, secret: str | None = None) -> dict:
    data = {
        "id": str(application.pk),
        "name": application.name,
        "website": details.website or None if details else None,
        "scopes": (details.scopes if details else "read").split(),
        "redirect_uri": application.redirect_uris.replace(" ", "\n"),
        "redirect_uris": application.redirect_uris.split(),
        "vapid_key": "",
    }
    if secret is not None:
        data |= {"client_id": application.client_id, "client_secret": secret, "client_secret_expires_at": 0}
    return data


@endpoint(methods=("POST",), auth=False)
def apps_create(request):
    p = request.params
    try:
        application, secret = services.app_register(
            name=p.get("client_name", ""),
            redirect_uris=p.get("redirect_uris", ""),
            scopes=p.get("scopes"),
            website=p.get("website", ""),
        )
    except ValidationError as problem:
        return error(
            422,
            "Validation failed: " + "; ".join(f"{k} {' '.join(v)}" for k, v in problem.message_dict.items()),
        )
    return JsonResponse(_application(application, application.mastodon, secret=secret))


@endpoint(methods=("GET",), auth=False)
def apps_verify_credentials(request):
    token = request.bearer.access_token if request.bearer else None
    if token is None:
        return error(401, "The access token is invalid")
    application = token.application
    return JsonResponse(_application(application, getattr(application, "mastodon", None)))


# Instance and discovery ----------------------------------------------------------------------------


def _media_limits() -> dict:
    from ruche.files.models import FileSettings

    largest = FileSettings.current().max_size_mb * 1024 * 1024
    return {
        "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"],
        "image_size_limit": largest,
        "image_matrix_limit": 16_777_216,
        "video_size_limit": 0,
        "video_frame_rate_limit": 0,
        "video_matrix_limit": 0,
        "description_limit": 1500,
    }


def _configuration() -> dict:
    return {
        "urls": {"streaming": settings.SITE_URL.replace("http", "ws", 1)},
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": settings.POST_MAX_LENGTH,
            "max_media_attachments": 4,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": _media_limits(),
        "polls": {"max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0},
        "translation": {"enabled": False},
    }


@endpoint(methods=("GET",), auth=False)
def instance_v1(request):
    contact = selectors.contact_person()
    return JsonResponse(
        {
            "uri": request.get_host(),
            "title": settings.SITE_NAME,
            "short_description": _("The enterprise social network of %(site)s")
            % {"site": settings.SITE_NAME},
            "description": "",
            "email": "",
            "version": VERSION,
            "urls": {"streaming_api": _configuration()["urls"]["streaming"]},
            "stats": selectors.instance_stats(),
            "thumbnail": request.build_absolute_uri(static("mastodon/header.png")),
            "languages": [code for code, _name in settings.LANGUAGES],
            "registrations": False,
            "approval_required": True,
            "invites_enabled": False,
            "configuration": _configuration(),
            "contact_account": serializers.account(contact, request=request) if contact else None,
            "rules": [],
        }
    )


@endpoint(methods=("GET",), auth=False)
def instance_v2(request):
    contact = selectors.contact_person()
    return JsonResponse(
        {
            "domain": request.get_host(),
            "title": settings.SITE_NAME,
            "version": VERSION,
            "api_versions": {"mastodon": 2},  # Mastodon 4.3's API version: clients branch on it
            "description": _("The enterprise social network of %(site)s") % {"site": settings.SITE_NAME},
            "usage": {"users": {"active_month": selectors.instance_stats()["user_count"]}},
            "thumbnail": {"url": request.build_absolute_uri(static("mastodon/header.png"))},
            "languages": [code for code, _name in settings.LANGUAGES],
            "configuration": _configuration() | {"vapid": {"public_key": ""}},
            "registrations": {"enabled": False, "approval_required": True, "message": None},
            "contact": {
                "email": "",
                "account": serializers.account(contact, request=request) if contact else None,
            },
            "rules": [],
        }
    )


def oauth_server(request):
    """RFC 8414's metadata, as Mastodon 4.3 serves it (Mastodon.py reads it before signing in)."""
    from ruche.mastodon import scopes as mastodon_scopes

    def url(name):
        return request.build_absolute_uri(reverse(name))

    return JsonResponse(
        {
            "issuer": request.build_absolute_uri("/"),
            "authorization_endpoint": url("mastodon:authorize"),
            "token_endpoint": url("mastodon:token"),
            "revocation_endpoint": url("mastodon:revoke"),
            "app_registration_endpoint": url("mastodon:apps"),
            "scopes_supported": list(mastodon_scopes.SCOPES),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "client_credentials"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "service_documentation": "https://docs.joinmastodon.org/",
        }
    )


def nodeinfo_links(request):
    return JsonResponse(
        {
            "links": [
                {
                    "rel": "http://nodeinfo.diaspora.software/ns/schema/2.0",
                    "href": request.build_absolute_uri(reverse("mastodon:nodeinfo")),
                }
            ]
        }
    )


def nodeinfo(request):
    stats = selectors.instance_stats()
    return JsonResponse(
        {
            "version": "2.0",
            "software": {"name": "ruche", "version": "0.1"},
            "protocols": [],
            "services": {"outbound": [], "inbound": []},
            "usage": {"users": {"total": stats["user_count"]}, "localPosts": stats["status_count"]},
            "openRegistrations": False,
            "metadata": {"nodeName": settings.SITE_NAME},
        }
    )


# The signed-in account -----------------------------------------------------------------------------


@endpoint(methods=("GET",), scopes=("read:accounts", "profile"))
def verify_credentials(request):
    user = selectors.person(request.user.pk)
    return JsonResponse(serializers.credential_account(user, request=request))


@endpoint(methods=("PATCH",), scopes=("write:accounts",))
def update_credentials(request):
    """What Ruche lets a person change here: the bio (`note`) and the language (`source[language]`).
    The name, the avatar and the profile fields come from the directory and the profile page: they
    are refused with a 422 rather than silently dropped."""
    p = request.params
    refused = sorted(set(p) & {"display_name", "avatar", "header", "fields_attributes", "locked", "bot"})
    refused += sorted(f"source[{k}]" for k in (p.get("source") or {}) if k != "language")
    if refused or request.FILES:
        raise ValidationError(
            _("Ruche does not change %(fields)s from an app: use the profile page.")
            % {"fields": ", ".join(refused or list(request.FILES))}
        )
    changes = {}
    if "note" in p:
        changes["bio"] = str(p["note"])
    language = (p.get("source") or {}).get("language")
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Unknown language.")})
        changes["language"] = language
    if changes:
        profile, _created = Profile.objects.get_or_create(user=request.user)
        account_services.profile_update(profile=profile, by=request.user, **changes)
    return JsonResponse(serializers.credential_account(selectors.person(request.user.pk), request=request))


@endpoint(methods=("GET",), scopes=("read:accounts",))
def preferences(request):
    return JsonResponse(
        {
            "posting:default:visibility": "public",
            "posting:default:sensitive": False,
            "posting:default:language": request.user.language or settings.LANGUAGE_CODE[:2],
            "reading:expand:media": "default",
            "reading:expand:spoilers": False,
        }
    )


@endpoint(methods=("GET",), auth=False)
def custom_emojis(request):
    return JsonResponse([], safe=False)


# /me/apps/: the apps a person allowed (a page) ---------------------------------------------------


@login_required
def my_apps(request):
    return render(request, "mastodon/my_apps.html", {"apps": selectors.apps_allowed_by(request.user)})


@login_required
@require_POST
def my_app_revoke(request, pk: int):
    if not services.app_revoke(user=request.user, application_id=pk):
        raise Http404  # not an app of theirs: the same answer as a missing one
    messages.success(request, _("The app no longer has access to your account."))
    return redirect("mastodon:my_apps")
