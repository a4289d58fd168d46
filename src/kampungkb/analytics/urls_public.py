app_name = "analytics_public"

urlpatterns = []
