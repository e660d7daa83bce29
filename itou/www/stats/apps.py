from django.apps import AppConfig


class StatsScreensConfig(AppConfig):
    name = "itou.www.stats"
    label = "www_stats"
