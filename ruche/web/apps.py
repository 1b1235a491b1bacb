from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ruche.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self):
        from django.db.models.signals import post_delete
        from django.utils.autoreload import file_changed

        file_changed.connect(_translations_changed)
        # Someone who left a community must not be shown its tags from cached suggestions.
        post_delete.connect(_membership_ended, sender="communities.Membership")


def _membership_ended(sender, instance, **kwargs):
    from ruche.web.selectors import forget_suggestions

    forget_suggestions(instance.user_id)


def _translations_changed(sender, file_path, **kwargs):
    """runserver reloads the catalogues without restarting when a .mo file changes (Django's own
    handler): forget what was translated once per language too (see ruche.web.jinja)."""
    if file_path.suffix == ".mo":
        from ruche.web.jinja import forget_translations

        forget_translations()
