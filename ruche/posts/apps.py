from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostsConfig(AppConfig):
    name = "ruche.posts"
    label = "posts"
    verbose_name = _("Posts")

    def ready(self):
        from ruche.core.media import register_media
        from ruche.posts.policies import can_see_link_preview_image

        register_media("previews", can_see_link_preview_image)

        from ruche.files.holders import register_holder
        from ruche.posts.policies import can_view_post_id, existing_posts

        register_holder("post", may_read=can_view_post_id, alive=existing_posts)

        from ruche.accounts.sections import ProfileSection, register_profile_section
        from ruche.posts.views import profile_posts

        register_profile_section(
            ProfileSection("posts", "posts/_profile_posts.html", profile_posts, partial="posts/_page.html")
        )
