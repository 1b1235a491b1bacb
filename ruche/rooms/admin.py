from django.contrib import admin

from ruche.rooms.models import VideoRoom

admin.site.register(
    VideoRoom,
    list_display=["__str__", "community", "created_by", "created", "ended_at"],
    raw_id_fields=["community", "origin_post", "announcement", "created_by", "ended_by"],
)
