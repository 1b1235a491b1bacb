from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MastodonConfig(AppConfig):
    name = "ruche.mastodon"
    label = "mastodon"
    verbose_name = _("Mastodon apps")
    default_auto_field = "django.db.models.BigAutoField"
