from django.contrib import messages

from itou.invitations.organizations import act_for, display_name, kind_of


def apply_pending_invitations(sender, request, user, **kwargs):
    """At login, accept the pending invitations sent to the user's (verified) email.

    Never blocks a login: an invitation that cannot be accepted is left as it is.
    """
    from itou.invitations.services import pending_invitations_apply

    accepted = pending_invitations_apply(user=user)
    for invitation in accepted:
        organization = invitation.organization
        messages.success(
            request,
            f"Invitation acceptée : vous faites maintenant partie {kind_of(organization).of_the} "
            f"{display_name(organization)}.",
            fail_silently=True,
        )
    if accepted and hasattr(request, "session"):
        act_for(request, accepted[-1].organization)
