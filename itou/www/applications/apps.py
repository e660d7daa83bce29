from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "itou.www.applications"
    label = "www_applications"
