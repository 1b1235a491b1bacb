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
        from ruche.api.errors import json_error
        from ruche.api.middleware import API_PREFIX
        from ruche.core.machine import register_error_shape

        accounts_selectors.personal_token_owner.provide(selectors.personal_token_owner)
        register_error_shape(API_PREFIX, json_error)
