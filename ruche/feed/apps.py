from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedConfig(AppConfig):
    name = "ruche.feed"
    label = "feed"
    verbose_name = _("Feed")

    def ready(self):
        from ruche.feed import reactions

        reactions.register()  # follows, posts, memberships fill and clean feeds
