from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "ruche.files"
    label = "files"
    verbose_name = _("Attachments")

    def ready(self):
        from ruche.core.media import register_media
        from ruche.core.periodic import Every, register_periodic
        from ruche.files.policies import readable_file
        from ruche.files.tasks import attachments_sweep

        register_media("attachments", readable_file)
        register_periodic("attachments", lambda: Every(3600, attachments_sweep.enqueue).tick)
