from django.apps import AppConfig


class SupportScreensConfig(AppConfig):
    name = "itou.www.support"
    label = "www_support"
