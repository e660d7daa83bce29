from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "itou.users"
    verbose_name = "Utilisateurs"
