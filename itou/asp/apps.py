from django.apps import AppConfig


class AspConfig(AppConfig):
    name = "itou.asp"
    verbose_name = "Référentiels ASP"
