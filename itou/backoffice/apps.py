from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "itou.backoffice"
    verbose_name = "Back-office du support"

    def ready(self):
        from itou.backoffice import signals  # noqa: F401
