from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "itou.www.dashboard"
    label = "www_dashboard"
