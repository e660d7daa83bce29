from django.apps import AppConfig


class ApprovalsConfig(AppConfig):
    name = "itou.approvals"
    verbose_name = "PASS IAE"
