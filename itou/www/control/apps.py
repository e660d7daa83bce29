from django.apps import AppConfig


class WwwControlConfig(AppConfig):
    name = "itou.www.control"
    label = "www_control"
    verbose_name = "Écrans du contrôle a posteriori"
