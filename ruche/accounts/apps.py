from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ruche.accounts"
    label = "accounts"
    verbose_name = _("People and organisation")

    def ready(self):
        from ruche.accounts.policies import can_see_photo
        from ruche.core.media import register_media

        register_media("photos", can_see_photo)
        user_logged_in.connect(_record_signin, dispatch_uid="accounts.signin")


def _record_signin(sender, request, user, **kwargs):
    """Every sign-in, whatever the way (a single sign-on sets `request.ruche_signin_method`)."""
    from ruche.accounts.services import signin_record

    if request is not None:
        signin_record(user=user, request=request, method=getattr(request, "ruche_signin_method", "password"))
