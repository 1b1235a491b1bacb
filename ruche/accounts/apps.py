from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete
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
        if settings.REDIS_URL:  # sessions have a copy in Redis (ruche/accounts/sessions.py)
            from django.contrib.sessions.models import Session

            from ruche.accounts.sessions import forget_cached_copy

            post_delete.connect(forget_cached_copy, sender=Session, dispatch_uid="accounts.session_cache")


def _record_signin(sender, request, user, **kwargs):
    """Every sign-in, whatever the way (a single sign-on sets `request.ruche_signin_method`)."""
    from ruche.accounts.services import signin_record

    if request is not None:
        signin_record(user=user, request=request, method=getattr(request, "ruche_signin_method", "password"))
