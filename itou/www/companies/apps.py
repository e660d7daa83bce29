from django.apps import AppConfig


class CompaniesConfig(AppConfig):
    name = "itou.www.companies"
    label = "www_companies"
