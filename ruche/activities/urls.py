from django.urls import path

from ruche.activities import views

app_name = "activities"
urlpatterns = [
    # Activity Streams: the actors themselves are the person's and the community's pages, asked
    # with an AS2 media type (middleware.ActivityStreamsMiddleware).
    path("people/<str:handle>/outbox", views.person_outbox, name="person_outbox"),
    path("communities/<slug:slug>/outbox", views.community_outbox, name="community_outbox"),
    path("activities/<id:pk>", views.activity, name="activity"),
    # Outgoing webhooks: the company's (administrators), a community's (its owners).
    path("manage/webhooks/", views.webhooks, name="company_webhooks"),
    path("manage/webhooks/<id:pk>/", views.webhook, name="company_webhook"),
    path("communities/<slug:slug>/webhooks/", views.webhooks, name="community_webhooks"),
    path("communities/<slug:slug>/webhooks/<id:pk>/", views.webhook, name="community_webhook"),
]
