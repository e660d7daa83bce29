from django.apps import AppConfig


class InvitationsConfig(AppConfig):
    name = "itou.invitations"
    verbose_name = "Invitations et demandes d'adhésion"

    def ready(self):
        from allauth.account.signals import user_logged_in

        from itou.invitations.signals import apply_pending_invitations

        user_logged_in.connect(apply_pending_invitations, dispatch_uid="itou_apply_pending_invitations")
