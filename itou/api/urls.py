from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from itou.api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    # Public
    path("employeurs/", views.EmployerSearchView.as_view(), name="employers"),
    path("employeurs/<int:pk>/", views.EmployerDetailView.as_view(), name="employer"),
    path("fiches-de-poste/", views.JobDescriptionSearchView.as_view(), name="job_descriptions"),
    path("fiches-de-poste/<int:pk>/", views.JobDescriptionDetailView.as_view(), name="job_description"),
    path("prescripteurs/", views.PrescriberSearchView.as_view(), name="prescribers"),
    path("referentiels/communes/", views.CommuneReferenceView.as_view(), name="ref_communes"),
    path("referentiels/metiers/", views.AppellationReferenceView.as_view(), name="ref_appellations"),
    path("referentiels/domaines-rome/", views.RomeDomainReferenceView.as_view(), name="ref_rome_domains"),
    path("referentiels/criteres/", views.CriteriaReferenceView.as_view(), name="ref_criteria"),
    # Partners
    path("pass-iae/<str:numero>/", views.ApprovalVerificationView.as_view(), name="approval_verification"),
    # Departments
    path(
        "departements/candidatures/recherche/",
        views.DepartmentApplicationSearchView.as_view(),
        name="department_applications",
    ),
    # Employers' software
    path("employeur/candidatures/", views.EmployerApplicationListView.as_view(), name="employer_applications"),
    path(
        "employeur/candidatures/<str:pk>/",
        views.EmployerApplicationDetailView.as_view(),
        name="employer_application",
    ),
    path(
        "employeur/candidatures/<str:pk>/<str:action>/",
        views.EmployerApplicationActionView.as_view(),
        name="employer_application_action",
    ),
    path(
        "employeur/fiches-de-poste/", views.EmployerJobDescriptionListView.as_view(), name="employer_job_descriptions"
    ),
    path(
        "employeur/fiches-de-poste/<int:pk>/",
        views.EmployerJobDescriptionDetailView.as_view(),
        name="employer_job_description",
    ),
    path(
        "employeur/fiches-salarie/",
        views.EmployerEmployeeRecordListView.as_view(),
        name="employer_employee_records",
    ),
    path(
        "employeur/fiches-salarie/notifications/",
        views.EmployerUpdateNotificationListView.as_view(),
        name="employer_update_notifications",
    ),
    path(
        "employeur/fiches-salarie/<int:pk>/",
        views.EmployerEmployeeRecordDetailView.as_view(),
        name="employer_employee_record",
    ),
    re_path(r"^[\s\S]*$", views.NotFoundView.as_view(), name="not_found"),
]
