from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MastodonConfig(AppConfig):
    name = "ruche.mastodon"
    label = "mastodon"
    verbose_name = _("Mastodon apps")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.http import JsonResponse

        from ruche.core.machine import register_error_shape
        from ruche.mastodon.endpoint import error

        for prefix in ("/api/v1/", "/api/v2/"):
            register_error_shape(prefix, error)
        for prefix in ("/oauth/token", "/oauth/revoke"):  # RFC 6749's shape
            register_error_shape(
                prefix,
                lambda status, message: JsonResponse(
                    {"error": "invalid_request", "error_description": message}, status=status
                ),
            )
