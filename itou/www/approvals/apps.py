from django.apps import AppConfig


class WwwApprovalsConfig(AppConfig):
    name = "itou.www.approvals"
    label = "www_approvals"
    verbose_name = "Écrans du PASS IAE"
