from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "itou.marketplace"
    verbose_name = "Marché de l'inclusion"
