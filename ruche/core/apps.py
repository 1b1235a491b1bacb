from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ruche.core"
    label = "core"
    verbose_name = _("Shared foundations")

    def ready(self):
        from django.db.models.signals import pre_save
        from django.urls import register_converter

        from ruche.core.ids import IdConverter
        from ruche.core.storable import refuse_unstorable_text

        register_converter(IdConverter, "id")  # before any URLconf is read
        pre_save.connect(refuse_unstorable_text, dispatch_uid="ruche.core.storable")
