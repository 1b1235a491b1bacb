from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "ruche.qa"
    label = "qa"

    def ready(self):
        from ruche.accounts.sections import ProfileSection, register_profile_section
        from ruche.qa.views import profile_answers

        register_profile_section(
            ProfileSection("accepted_answers", "qa/_profile_answers.html", profile_answers, place="card")
        )
