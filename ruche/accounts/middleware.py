from datetime import timedelta

from django.conf import settings
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from ruche.accounts.events import PersonReturned
from ruche.accounts.models import ProfileSettings, User
from ruche.core.events import publish

SEEN_EVERY = timedelta(minutes=5)


class CompanyLanguageMiddleware:
    """Before sign-in, pages speak the company's language (`RUCHE_LANGUAGE`), not the browser's.

    A French company's log-in page stays French on an English browser, and the sign-in messages
    with it. A visitor who picked a language with the switch (the language cookie) keeps it; the
    JSON API still negotiates with Accept-Language, as HTTP clients expect. Once signed in,
    `UserLanguageMiddleware` applies the person's own choice.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            language = translation.get_language_from_request(request)
        else:
            language = self._chosen(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", translation.get_language())
        if request.path_info.startswith("/api/"):
            patch_vary_headers(response, ("Accept-Language",))
        return response

    @staticmethod
    def _chosen(request) -> str | None:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        try:
            return translation.get_supported_language_variant(cookie) if cookie else None
        except LookupError:
            return None


class UserLanguageMiddleware:
    """A signed-in person reads Ruche in the language of their profile."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class LastSeenMiddleware:
    """Keeps last_seen_at (fan-out skips people long gone) and rebuilds the feed of those returning."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            now = timezone.now()
            if user.last_seen_at is None or now - user.last_seen_at > SEEN_EVERY:
                away = timedelta(days=settings.FEED_INACTIVE_DAYS)
                if user.feed_built_at is None or user.last_seen_at is None or now - user.last_seen_at > away:
                    publish(PersonReturned(user=user))
                User.objects.filter(pk=user.pk).update(last_seen_at=now)
                user.last_seen_at = now
        return self.get_response(request)


# What a person who still has to complete their profile may reach: the onboarding page and what it
# needs (skill autocomplete, their photo, static files), the language switch, and the ways out.
ONBOARDING_OPEN_VIEWS = {
    "accounts:onboarding",
    "accounts:language",
    "accounts:skill_autocomplete",
    "accounts:activate",
    "set_language",
    "media",
    "health",
}
ONBOARDING_OPEN_FOR_ADMINS = {"accounts:profile_settings"}  # an admin can always undo their rule
SESSION_KEY = "onboarding_ok"


class OnboardingMiddleware:
    """Someone missing a field the company made mandatory completes it before anything else.

    The check costs nothing when no field is mandatory (the settings are cached), and one query per
    session otherwise: a session that passed it for the current rules is not checked again.
    Pages get a redirect to the onboarding form (with `next`); htmx requests get a 403 with
    `HX-Redirect`, so the whole page goes there; other non-HTML requests (JSON, API) get a 403 with
    a JSON body saying what to do.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        rules = ProfileSettings.current()
        mandatory = rules.mandatory
        if not mandatory or request.session.get(SESSION_KEY) == rules.version:
            return self.get_response(request)
        from ruche.accounts.selectors import missing_mandatory

        request.onboarding_missing = missing_mandatory(user, mandatory)
        if not request.onboarding_missing:
            request.session[SESSION_KEY] = rules.version
            return self.get_response(request)
        if self._open(request):
            return self.get_response(request)
        return self._blocked(request)

    def _open(self, request) -> bool:
        path = request.path_info
        if path.startswith(("/accounts/", "/" + settings.STATIC_URL.strip("/") + "/")):
            return True  # allauth: log in, log out, password reset; static files
        try:
            match = resolve(path)
        except Resolver404:
            return True  # a 404 page reveals nothing
        if match.view_name in ONBOARDING_OPEN_VIEWS:
            return True
        return match.view_name in ONBOARDING_OPEN_FOR_ADMINS and request.user.is_staff

    def _blocked(self, request):
        url = reverse("accounts:onboarding")
        message = _("Complete your profile first: your company asks everyone for a few details.")
        if getattr(request, "htmx", False):
            response = JsonResponse(
                {"error": "onboarding_required", "detail": message, "url": url}, status=403
            )
            response["HX-Redirect"] = url
            return response
        accept = request.headers.get("Accept", "")
        if "text/html" not in accept and ("json" in accept or request.method not in ("GET", "HEAD", "POST")):
            return JsonResponse({"error": "onboarding_required", "detail": message, "url": url}, status=403)
        if request.method in ("GET", "HEAD") and request.path_info != reverse("home"):
            url += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(url)
