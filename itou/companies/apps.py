from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "itou.companies"
    verbose_name = "Employeurs"
