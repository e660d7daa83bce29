from django.apps import AppConfig


class DevConfig(AppConfig):
    name = "itou.www.dev"
    label = "www_dev"

    def ready(self):
        from allauth.account.signals import user_signed_up

        from itou.www.dev.visibility import remember_address

        def on_signup(sender, request, user, **kwargs):
            remember_address(request, user.email)

        user_signed_up.connect(on_signup, dispatch_uid="dev_mailbox_signup", weak=False)
