from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "itou.eligibility"
    verbose_name = "Éligibilité"
