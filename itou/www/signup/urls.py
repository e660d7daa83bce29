from django.urls import path

from itou.www.signup import views

app_name = "signup"

urlpatterns = [
    path("inscription/", views.choose_kind, name="choose_kind"),
]
