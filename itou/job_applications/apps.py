from django.apps import AppConfig


class JobApplicationsConfig(AppConfig):
    name = "itou.job_applications"
    verbose_name = "Candidatures"
