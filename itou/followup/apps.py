from django.apps import AppConfig


class FollowUpConfig(AppConfig):
    name = "itou.followup"
    verbose_name = "Groupes de suivi"

    def ready(self):
        from itou.followup import signals  # noqa: F401 (auto-filled memberships)
