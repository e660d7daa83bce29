from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "itou.users"
    verbose_name = "Utilisateurs"

    def ready(self):
        from itou.users import oidc, signals  # noqa: F401
