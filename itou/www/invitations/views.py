"""Accepting an invitation to join an organization (/invitations/<token>/)."""

from urllib.parse import urlencode

from allauth.account import app_settings as allauth_settings
from allauth.account.utils import complete_signup
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from itou.invitations.emails import mask_email
from itou.invitations.models import Invitation
from itou.invitations.organizations import act_for, display_name, kind_of
from itou.invitations.perms import can_accept_invitation
from itou.invitations.services import ActionError, AlreadyDone, EmailTaken, invitation_accept, invitation_check
from itou.users.models import User
from itou.www.signup.pro_forms import ProfessionalAccountForm


def _problem(request, message: str):
    return render(request, "invitations/problem.html", {"message": message})


def _joined(invitation) -> str:
    organization = invitation.organization
    return f"Bienvenue ! Vous faites maintenant partie {kind_of(organization).of_the} {display_name(organization)}."


def accept(request, token):
    """The invited person accepts: logged in with the invited address, or by creating
    their account (the link proves the address: no confirmation email)."""
    pk = Invitation.pk_from_token(token)
    invitation = (
        Invitation.objects.select_related("company", "prescriber_organization", "institution", "sent_by")
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    try:
        invitation_check(invitation)
    except AlreadyDone as error:
        if request.user.is_authenticated and invitation.accepted_by_id == request.user.pk:
            messages.info(request, "Vous avez déjà accepté cette invitation.")
            act_for(request, invitation.organization)
            return redirect("dashboard:index")
        return _problem(request, error.message)
    except ActionError as error:
        return _problem(request, error.message)

    user = request.user
    context = {
        "invitation": invitation,
        "organization_name": display_name(invitation.organization),
        "kind": kind_of(invitation.organization),
        "masked_email": mask_email(invitation.email),
    }
    if user.is_authenticated:
        if not can_accept_invitation(user, invitation):
            return render(request, "invitations/wrong_account.html", context)
        if request.method == "POST":
            try:
                invitation_accept(acting_user=user, invitation=invitation)
            except ActionError as error:
                return _problem(request, error.message)
            messages.success(request, _joined(invitation))
            act_for(request, invitation.organization)
            return redirect("dashboard:index")
        return render(request, "invitations/accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = f"{reverse('account_login')}?{urlencode({'next': request.path})}"
        return render(request, "invitations/login_first.html", context | {"login_url": login_url})
    initial = {"first_name": invitation.first_name, "last_name": invitation.last_name}
    form = ProfessionalAccountForm(request.POST or None, email=invitation.email, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, _membership = invitation_accept(
                acting_user=None, invitation=invitation, new_account=form.new_account()
            )
        except EmailTaken as error:
            form.add_error(None, error.message)
        except ActionError as error:
            return _problem(request, error.message)
        else:
            act_for(request, invitation.organization)
            messages.success(request, _joined(invitation))
            return complete_signup(request, new_user, allauth_settings.EMAIL_VERIFICATION, reverse("dashboard:index"))
    return render(request, "invitations/signup.html", context | {"form": form})
