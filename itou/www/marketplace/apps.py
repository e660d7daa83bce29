from django.apps import AppConfig


class MarketplaceScreensConfig(AppConfig):
    name = "itou.www.marketplace"
    label = "www_marketplace"
