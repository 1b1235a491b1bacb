from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ruche.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self):
        from django.utils.autoreload import file_changed

        file_changed.connect(_translations_changed)


def _translations_changed(sender, file_path, **kwargs):
    """runserver reloads the catalogues without restarting when a .mo file changes (Django's own
    handler): forget what was translated once per language too (see ruche.web.jinja)."""
    if file_path.suffix == ".mo":
        from ruche.web.jinja import forget_translations

        forget_translations()
