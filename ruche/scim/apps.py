from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScimConfig(AppConfig):
    """SCIM 2.0 provisioning at /scim/v2/: the identity provider creates, updates and deactivates
    people and groups (RFC 7643, RFC 7644)."""

    name = "ruche.scim"
    label = "scim"
    verbose_name = _("SCIM provisioning")

    def ready(self):
        from ruche.core.machine import register_error_shape
        from ruche.scim import reactions, views

        reactions.register()  # lastModified follows every change of a person
        register_error_shape("/scim/", views.error_response)
