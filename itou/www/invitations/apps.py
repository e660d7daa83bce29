from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "itou.www.invitations"
    label = "www_invitations"
