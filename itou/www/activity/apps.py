from django.apps import AppConfig


class WwwActivityConfig(AppConfig):
    name = "itou.www.activity"
    label = "www_activity"
    verbose_name = "Écrans des fins de contrat et rapports d'activité"
