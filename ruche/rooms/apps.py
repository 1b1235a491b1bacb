from django.apps import AppConfig


class RoomsConfig(AppConfig):
    name = "ruche.rooms"
    label = "rooms"
