from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "ruche.accounts"
    label = "accounts"

    def ready(self):
        from ruche.accounts.policies import can_see_photo
        from ruche.core.media import register_media

        register_media("photos", can_see_photo)
