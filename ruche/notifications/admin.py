from django.contrib import admin

from ruche.notifications.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    """The outbox, for operators: what waits, what failed and why (read only)."""

    list_display = ["id", "recipient", "kind", "state", "attempts", "due_at", "sent_at", "last_error"]
    list_filter = ["state", "kind"]
    search_fields = ["recipient__email", "key", "thread"]
    raw_id_fields = ["recipient"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
