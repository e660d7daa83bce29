from django.apps import AppConfig


class InstitutionsConfig(AppConfig):
    name = "itou.institutions"
    verbose_name = "Institutions partenaires"
