from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "itou.activity"
    verbose_name = "Fins de contrat et rapports d'activité"
