from django.urls import path

from ruche.api import views
from ruche.api.api import api

urlpatterns = [
    path("api/ruche/v1/", api.urls),
    path("me/api-tokens/", views.tokens, name="api_tokens"),
    path("me/api-tokens/<id:pk>/revoke/", views.revoke, name="api_token_revoke"),
]
