from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "itou.jobs"
    verbose_name = "Métiers (ROME)"
