from django.urls import path

from itou.www.companies import views

app_name = "companies"

urlpatterns = [
    # Public pages.
    path("<int:pk>/", views.detail, name="detail"),
    path("fiches-de-poste/<int:pk>/", views.job_description_detail, name="job_description_detail"),
    # The current company (from the session), for its members.
    path("ma-structure/", views.overview, name="overview"),
    path("ma-structure/modifier/", views.edit, name="edit"),
    path("ma-structure/antennes/nouvelle/", views.antenne_create, name="antenne_create"),
    path("ma-structure/fiches-de-poste/", views.job_description_list, name="job_description_list"),
    path("ma-structure/fiches-de-poste/nouvelle/", views.job_description_create, name="job_description_create"),
    path(
        "ma-structure/fiches-de-poste/<int:pk>/modifier/", views.job_description_update, name="job_description_update"
    ),
    path("ma-structure/fiches-de-poste/<int:pk>/ouvrir/", views.job_description_open, name="job_description_open"),
    path("ma-structure/fiches-de-poste/<int:pk>/fermer/", views.job_description_close, name="job_description_close"),
    path("ma-structure/fiches-de-poste/<int:pk>/deplacer/", views.job_description_move, name="job_description_move"),
    path("ma-structure/candidatures-spontanees/", views.spontaneous_applications, name="spontaneous_applications"),
]
