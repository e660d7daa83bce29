from django.apps import AppConfig


class ApplyConfig(AppConfig):
    name = "itou.www.apply"
    label = "www_apply"
