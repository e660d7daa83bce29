from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "itou.www.members"
    label = "www_members"
