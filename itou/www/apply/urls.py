from django.urls import path

from itou.www.apply import views

app_name = "apply"

urlpatterns = [
    # Entry point, from a company's page: /postuler/<company_pk>/ (optionally ?job=<job_description_pk>).
    path("<int:company_pk>/", views.start, name="start"),
    path("parcours/<str:flow_id>/candidat/", views.person, name="person"),
    path("parcours/<str:flow_id>/candidat/confirmer/", views.person_confirm, name="person_confirm"),
    path("parcours/<str:flow_id>/candidat/creer/", views.person_create, name="person_create"),
    path("parcours/<str:flow_id>/profil/", views.complete_profile, name="complete_profile"),
    path("parcours/<str:flow_id>/postes/", views.jobs, name="jobs"),
    path("parcours/<str:flow_id>/message/", views.message, name="message"),
    path("parcours/<str:flow_id>/diagnostic/", views.diagnosis, name="diagnosis"),
    path("parcours/<str:flow_id>/recapitulatif/", views.summary, name="summary"),
    path("parcours/<str:flow_id>/abandonner/", views.cancel, name="cancel"),
]
