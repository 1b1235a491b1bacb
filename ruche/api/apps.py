from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "ruche.api"
    label = "api"
    verbose_name = _("API tokens")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from ruche.accounts import selectors as accounts_selectors
        from ruche.api import selectors

        accounts_selectors.personal_token_owner.provide(selectors.personal_token_owner)
        # Ruche's own API shapes its errors in JsonErrorsMiddleware (the caller's language, the field).
