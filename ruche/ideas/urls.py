from django.urls import path

from ruche.ideas import views

app_name = "ideas"
urlpatterns = [
    path("ideas/", views.campaigns, name="campaigns"),
    path("ideas/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("ideas/campaigns/<id:pk>/", views.campaign, name="campaign"),
    path("ideas/campaigns/<id:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("ideas/campaigns/<id:pk>/open/", views.campaign_open, name="campaign_open"),
    path("ideas/campaigns/<id:pk>/submit/", views.submit, name="submit"),
    path("ideas/campaigns/<id:pk>/similar/", views.similar, name="similar"),
    path("ideas/campaigns/<id:pk>/committee/", views.committee, name="committee"),
    path("ideas/campaigns/<id:pk>/results/", views.results, name="results"),
    path("ideas/campaigns/<id:pk>/export.csv", views.export, name="export"),
    path("ideas/workflows/", views.workflows, name="workflows"),
    path("ideas/workflows/<id:pk>/", views.workflow, name="workflow"),
    path("ideas/workflows/<id:pk>/change/", views.workflow_change, name="workflow_change"),
    path("ideas/<id:pk>/", views.idea, name="idea"),
    path("ideas/<id:pk>/vote/", views.vote, name="vote"),
    path("ideas/<id:pk>/follow/", views.follow, name="follow"),
    path("ideas/<id:pk>/coauthor/", views.coauthor, name="coauthor"),
    path("ideas/<id:pk>/move/", views.move, name="move"),
    path("ideas/<id:pk>/reviewers/", views.assign, name="assign"),
    path("ideas/<id:pk>/review/", views.review, name="review"),
    path("ideas/<id:pk>/merge/", views.merge, name="merge"),
]
