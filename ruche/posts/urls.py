from django.urls import path

from ruche.posts import views

app_name = "posts"
urlpatterns = [
    path("posts/new/", views.create, name="create"),
    path("posts/<id:pk>/", views.detail, name="detail"),
    path("posts/<id:pk>/reply/", views.reply, name="reply"),
    path("posts/<id:pk>/react/", views.react, name="react"),
    path("posts/<id:pk>/reactions/", views.reactions, name="reactions"),
    path("posts/<id:pk>/preview/hide/", views.preview_hide, name="preview_hide"),
    path("posts/<id:pk>/save/", views.save, name="save"),
    path("posts/<id:pk>/share/", views.share, name="share"),
    path("saved/", views.saved, name="saved"),
    path("posts/<id:pk>/edit/", views.edit, name="edit"),
    path("posts/<id:pk>/delete/", views.delete, name="delete"),
    path("posts/<id:pk>/report/", views.report, name="report"),
    path("posts/<id:pk>/hide/", views.hide, name="hide"),
    path("tags/<str:key>/", views.tag, name="tag"),
    path("tags/<str:key>/follow/", views.tag_follow, name="tag_follow"),
    path("autocomplete/hashtags/", views.hashtag_autocomplete, name="hashtag_autocomplete"),
]
