from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "itou.invitations"
    verbose_name = "Invitations et demandes d'adhésion"
