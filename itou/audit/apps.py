from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "itou.audit"
    verbose_name = "Journaux d'accès"
