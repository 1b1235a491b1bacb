from django.contrib import admin

from ruche.announcements.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    """Read-only: announcements are published through the service (audience, receipts, e-mails)."""

    list_display = ["title", "author", "created", "recipient_count", "requires_ack", "expires_at"]
    list_filter = ["requires_ack"]
    search_fields = ["title", "author__last_name"]
    readonly_fields = [f.name for f in Announcement._meta.fields] + ["departments", "sites", "communities"]

    def has_add_permission(self, request):
        return False
