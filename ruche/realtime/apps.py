from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "ruche.realtime"
    label = "realtime"

    def ready(self):
        from ruche.realtime import reactions

        reactions.register()  # open pages update a post's counts live
