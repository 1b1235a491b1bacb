from django.contrib import admin

from ruche.ideas.models import InnovationManager


@admin.register(InnovationManager)
class InnovationManagerAdmin(admin.ModelAdmin):
    """Who may create innovation campaigns (besides admins)."""

    list_display = ["user", "created"]
    raw_id_fields = ["user"]
