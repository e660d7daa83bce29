from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "itou.control"
    verbose_name = "Contrôle a posteriori"
