from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "itou.notifications"
    verbose_name = "Notifications"
