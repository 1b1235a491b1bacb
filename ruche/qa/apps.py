from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QaConfig(AppConfig):
    name = "ruche.qa"
    label = "qa"
    verbose_name = _("Questions and answers")

    def ready(self):
        from ruche.posts import selectors as posts
        from ruche.qa import reactions, selectors

        reactions.register()  # a question follows its replies
        posts.replies_first.provide(selectors.attach_questions)  # accepted answers first
        posts.annotate_cards.provide(selectors.annotate_answers)
