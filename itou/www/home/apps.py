from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "itou.www.home"
    label = "www_home"
