from django.contrib import admin

from ruche.posts.models import Hashtag, Post


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "created", "parent", "reply_count", "reaction_count", "deleted_at"]
    search_fields = ["body", "author__email"]
    raw_id_fields = ["author", "parent", "mentions", "hashtags"]
    readonly_fields = ["body_html"]


admin.site.register(Hashtag, list_display=["name", "key", "follower_count"], search_fields=["key"])
