from django.urls import path

from ruche.ideas import views

app_name = "ideas"
urlpatterns = [
    path("ideas/", views.campaigns, name="campaigns"),
    path("ideas/campaigns/new/", views.campaign_new, name="campaign_new"),
    path("ideas/campaigns/<int:pk>/", views.campaign, name="campaign"),
    path("ideas/campaigns/<int:pk>/edit/", views.campaign_edit, name="campaign_edit"),
    path("ideas/campaigns/<int:pk>/open/", views.campaign_open, name="campaign_open"),
    path("ideas/campaigns/<int:pk>/submit/", views.submit, name="submit"),
    path("ideas/campaigns/<int:pk>/similar/", views.similar, name="similar"),
    path("ideas/campaigns/<int:pk>/committee/", views.committee, name="committee"),
    path("ideas/campaigns/<int:pk>/results/", views.results, name="results"),
    path("ideas/campaigns/<int:pk>/export.csv", views.export, name="export"),
    path("ideas/workflows/", views.workflows, name="workflows"),
    path("ideas/workflows/<int:pk>/", views.workflow, name="workflow"),
    path("ideas/workflows/<int:pk>/change/", views.workflow_change, name="workflow_change"),
    path("ideas/<int:pk>/", views.idea, name="idea"),
    path("ideas/<int:pk>/vote/", views.vote, name="vote"),
    path("ideas/<int:pk>/follow/", views.follow, name="follow"),
    path("ideas/<int:pk>/coauthor/", views.coauthor, name="coauthor"),
    path("ideas/<int:pk>/move/", views.move, name="move"),
    path("ideas/<int:pk>/reviewers/", views.assign, name="assign"),
    path("ideas/<int:pk>/review/", views.review, name="review"),
    path("ideas/<int:pk>/merge/", views.merge, name="merge"),
]
