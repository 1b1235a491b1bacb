from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoomsConfig(AppConfig):
    name = "ruche.rooms"
    label = "rooms"
    verbose_name = _("Video rooms")
