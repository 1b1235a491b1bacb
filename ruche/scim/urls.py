from django.urls import path, re_path

from ruche.scim import views

app_name = "scim"

urlpatterns = [
    path("scim/v2/ServiceProviderConfig", views.service_provider_config, name="config"),
    path("scim/v2/ResourceTypes", views.resource_types, name="resource_types"),
    path("scim/v2/ResourceTypes/<str:name>", views.resource_types, name="resource_type"),
    path("scim/v2/Schemas", views.schemas, name="schemas"),
    path("scim/v2/Schemas/<str:uri>", views.schemas, name="schema"),
    path("scim/v2/.search", views.search_all, name="search"),
    path("scim/v2/Users/.search", views.users_search, name="users_search"),
    path("scim/v2/Users", views.users, name="users"),
    path("scim/v2/Users/<str:scim_id>", views.user, name="user"),
    path("scim/v2/Groups/.search", views.groups_search, name="groups_search"),
    path("scim/v2/Groups", views.groups, name="groups"),
    path("scim/v2/Groups/<str:scim_id>", views.group, name="group"),
    re_path(r"^scim/v2/(?P<rest>.*)$", views.not_found, name="not_found"),
    path("manage/scim/", views.tokens, name="tokens"),
    path("manage/scim/<int:pk>/revoke/", views.revoke, name="revoke"),
]
