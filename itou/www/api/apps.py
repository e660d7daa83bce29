from django.apps import AppConfig


class ApiScreensConfig(AppConfig):
    name = "itou.www.api"
    label = "www_api"
    verbose_name = "API : documentation et jetons"
