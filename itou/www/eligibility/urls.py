from django.urls import path

from itou.www.eligibility import views

app_name = "eligibility"

urlpatterns = [
    # An authorized prescriber, for the job seeker of an application their organization sent.
    path("candidature/<uuid:pk>/", views.prescriber_for_application, name="prescriber_application"),
    # An authorized prescriber, for the job seeker chosen in an apply flow (then back to its summary).
    path("postuler/<str:flow_id>/", views.prescriber_for_apply_flow, name="prescriber_apply_flow"),
    # The receiving employer (SIAE or GEIQ), first step of "Accepter la candidature".
    path("candidature/<uuid:pk>/embauche/", views.accept_step, name="accept"),
    # An authorized prescriber: the people whose diagnosis their organization made.
    path("mes-candidats/", views.prescriber_diagnoses, name="prescriber_diagnoses"),
]
