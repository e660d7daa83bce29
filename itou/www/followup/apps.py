from django.apps import AppConfig


class FollowUpScreensConfig(AppConfig):
    name = "itou.www.followup"
    label = "www_followup"
