from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RealtimeConfig(AppConfig):
    name = "ruche.realtime"
    label = "realtime"
    verbose_name = _("Live updates")

    def ready(self):
        from ruche.realtime import reactions

        reactions.register()  # open pages update a post's counts live
