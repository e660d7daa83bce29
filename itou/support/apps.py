from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "itou.support"
    verbose_name = "Support"
