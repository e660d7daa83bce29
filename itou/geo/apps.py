from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "itou.geo"
    verbose_name = "Géographie"
