from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ruche.accounts"
    label = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from ruche.accounts.policies import can_see_photo
        from ruche.core.media import register_media

        register_media("photos", can_see_photo)
