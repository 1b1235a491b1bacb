from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "ruche.qa"
    label = "qa"

    def ready(self):
        from ruche.posts import selectors as posts
        from ruche.qa import reactions, selectors

        reactions.register()  # a question follows its replies
        posts.replies_first.provide(selectors.attach_questions)  # accepted answers first
        posts.annotate_cards.provide(selectors.annotate_answers)
