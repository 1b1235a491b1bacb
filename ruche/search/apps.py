from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "ruche.search"
    verbose_name = _("Search index")

    def ready(self):
        from ruche.accounts.selectors import people_matching
        from ruche.search import reactions, selectors

        reactions.register()  # people, communities and posts are indexed again when they change
        people_matching.provide(selectors.people_prefix)  # mention autocomplete
