from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "itou.exchanges"
    verbose_name = "Échanges"
