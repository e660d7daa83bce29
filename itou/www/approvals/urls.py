from django.urls import path

from itou.www.approvals import views

app_name = "approvals"

urlpatterns = [
    path("salaries/", views.company_list, name="company_list"),
    path("mon-pass-iae/", views.job_seeker, name="job_seeker"),
    path("verifier/", views.verify, name="verify"),
    path("demandes-de-prolongation/", views.prescriber_requests, name="prescriber_requests"),
    path("demandes-de-prolongation/<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/suspendre/", views.suspend, name="suspend"),
    path("<int:pk>/prolonger/", views.prolong, name="prolong"),
    path("<int:pk>/suspensions/<int:suspension_pk>/modifier/", views.suspension_edit, name="suspension_edit"),
    path("<int:pk>/suspensions/<int:suspension_pk>/lever/", views.suspension_lift, name="suspension_lift"),
    path("<int:pk>/suspensions/<int:suspension_pk>/supprimer/", views.suspension_delete, name="suspension_delete"),
    path("<int:pk>/attestation/", views.attestation, name="attestation"),
]
