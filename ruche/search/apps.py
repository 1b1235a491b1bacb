from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ruche.search"
    verbose_name = "Search"

    def ready(self):
        from ruche.accounts.selectors import people_matching
        from ruche.search import reactions, selectors

        reactions.register()  # people, communities and posts are indexed again when they change
        people_matching.provide(selectors.people_prefix)  # mention autocomplete
