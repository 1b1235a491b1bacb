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
        posts.questions_for.provide(selectors.questions_for)  # the home feed's "asked you" reason

        from ruche.accounts.sections import ProfileSection, register_profile_section
        from ruche.posts.extensions import register_detail_panel, register_publisher
        from ruche.qa.selectors import experts_panel
        from ruche.qa.services import question_ask
        from ruche.qa.views import profile_answers

        register_publisher("question", question_ask)
        register_detail_panel("experts", experts_panel)

        register_profile_section(
            ProfileSection("accepted_answers", "qa/_profile_answers.html", profile_answers, place="card")
        )
