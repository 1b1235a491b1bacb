from django.apps import AppConfig


class AnnouncementsConfig(AppConfig):
    name = "ruche.announcements"
    label = "announcements"
