from django.urls import path

from itou.www.search import views

app_name = "search"

urlpatterns = [
    path("employeurs/", views.employers, name="employers"),
    path("fiches-de-poste/", views.job_descriptions, name="job_descriptions"),
    path("prescripteurs/", views.prescribers, name="prescribers"),
]
