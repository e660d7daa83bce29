app_name = "apply"

urlpatterns = []
