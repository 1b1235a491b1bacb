from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "ruche.communities"
    label = "communities"
    verbose_name = _("Communities")

    def ready(self):
        from ruche.communities.policies import can_see_cover
        from ruche.core.media import register_media

        register_media("covers", can_see_cover)

        from ruche.communities import reactions

        reactions.register()  # directory rules follow the directory (accounts.events)
