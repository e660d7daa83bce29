from django.apps import AppConfig


class PrescribersConfig(AppConfig):
    name = "itou.prescribers"
    verbose_name = "Prescripteurs"
