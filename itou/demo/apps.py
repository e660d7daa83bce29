from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "itou.demo"
    verbose_name = "Monde de démonstration"
