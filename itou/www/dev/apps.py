from django.apps import AppConfig


class DevConfig(AppConfig):
    name = "itou.www.dev"
    label = "www_dev"
