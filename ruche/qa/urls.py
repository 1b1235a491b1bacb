from django.urls import path

from ruche.qa import views

app_name = "qa"
urlpatterns = [
    path("questions/", views.questions, name="questions"),
    path("questions/<id:pk>/experts/", views.ask_experts, name="ask_experts"),
    path("answers/<id:pk>/vote/", views.vote, name="vote"),
    path("answers/<id:pk>/accept/", views.accept, name="accept"),
]
