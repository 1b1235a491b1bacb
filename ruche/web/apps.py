from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ruche.web"
    label = "web"

    def ready(self):
        from django.utils.autoreload import file_changed

        from ruche.posts.extensions import register_composer_page
        from ruche.web.views import home

        file_changed.connect(_translations_changed)
        register_composer_page(home)


def _translations_changed(sender, file_path, **kwargs):
    """runserver reloads the catalogues without restarting when a .mo file changes (Django's own
    handler): forget what was translated once per language too (see ruche.web.jinja)."""
    if file_path.suffix == ".mo":
        from ruche.web.jinja import forget_translations

        forget_translations()
