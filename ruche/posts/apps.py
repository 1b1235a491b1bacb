from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "ruche.posts"
    label = "posts"
