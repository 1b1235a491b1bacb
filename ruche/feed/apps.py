from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "ruche.feed"
    label = "feed"

    def ready(self):
        from ruche.feed import reactions

        reactions.register()  # follows, posts, memberships fill and clean feeds
