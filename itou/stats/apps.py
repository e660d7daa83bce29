from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "itou.stats"
    verbose_name = "Statistiques et pilotage"
