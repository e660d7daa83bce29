from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "itou.utils"
    verbose_name = "Outils"
