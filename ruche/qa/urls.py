from django.urls import path

from ruche.qa import views

app_name = "qa"
urlpatterns = [
    path("questions/", views.questions, name="questions"),
    path("questions/<int:pk>/experts/", views.ask_experts, name="ask_experts"),
    path("answers/<int:pk>/vote/", views.vote, name="vote"),
    path("answers/<int:pk>/accept/", views.accept, name="accept"),
]
