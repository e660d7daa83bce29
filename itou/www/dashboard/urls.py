from django.urls import path

from itou.www.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("profil/", views.profile, name="profile"),
    path("organisation/", views.switch_organization, name="switch_organization"),
    path("mes-donnees/", views.personal_data, name="personal_data"),
    path("mes-donnees/telecharger/", views.personal_data_download, name="personal_data_download"),
    path("mes-donnees/supprimer/", views.personal_data_delete, name="personal_data_delete"),
]
