from django.urls import path

from itou.www.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("profil/", views.profile, name="profile"),
    path("organisation/", views.switch_organization, name="switch_organization"),
]
