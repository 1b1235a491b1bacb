app_name = "scim"

urlpatterns = []
