from allauth.account.models import EmailAddress
from allauth.account.signals import password_reset
from django.dispatch import receiver


@receiver(password_reset)
def verify_email_on_password_reset(sender, request, user, **kwargs):
    """Following a password reset link proves the person reads that mailbox.

    Job seekers whose account a professional created claim it through this link: they
    must not get one more confirmation email at their first login.
    """
    if user.email:
        EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
