from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "itou.api"
    verbose_name = "API"
