from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "ruche.web"
    label = "web"
    verbose_name = _("Web pages")

    def ready(self):
        from django.utils.autoreload import file_changed

        from ruche.communities.events import MemberRemoved
        from ruche.core.events import subscribe
        from ruche.posts.extensions import register_composer_page
        from ruche.web.views import home

        file_changed.connect(_translations_changed)
        register_composer_page(home)
        # Someone who left a community must not be shown its tags from cached suggestions.
        subscribe(MemberRemoved, _membership_ended)


def _membership_ended(event) -> None:
    from ruche.web.selectors import forget_suggestions

    forget_suggestions(event.user_id)


def _translations_changed(sender, file_path, **kwargs):
    """runserver reloads the catalogues without restarting when a .mo file changes (Django's own
    handler): forget what was translated once per language too (see ruche.web.jinja)."""
    if file_path.suffix == ".mo":
        from ruche.web.jinja import forget_translations

        forget_translations()
