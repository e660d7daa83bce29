from django.apps import AppConfig


class HelpScreensConfig(AppConfig):
    name = "itou.www.help"
    label = "www_help"
