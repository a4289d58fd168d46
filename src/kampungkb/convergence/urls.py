app_name = "convergence"

urlpatterns = []
