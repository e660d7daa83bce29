"""Members of the current organization (/membres/): everyone sees the list; admins
invite, promote, demote, remove members, answer join requests and cancel invitations.

Everything is loaded through the current organization: another organization's members,
requests or invitations answer 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from itou.invitations import perms, services
from itou.invitations.models import INVITATION_VALIDITY, Invitation, JoinRequest
from itou.invitations.organizations import display_name, kind_of, memberships_of
from itou.www.dev.visibility import remember_address_without_account
from itou.www.members.forms import InvitationForm

# 403 (not 404): the member knows their organization exists; they are told why and whom to ask.
ADMIN_ONLY = (
    "Seuls les administrateurs de votre structure peuvent gérer ses membres et inviter des collègues. "
    "Demandez à l'un d'eux de le faire, ou de vous donner le rôle d'administrateur."
)


def _organization_or_404(request, *, manage: bool = False):
    """The organization the user acts for; with `manage`, only if they may manage its members."""
    current = request.current_organization
    if not current:
        raise Http404
    organization = current.organization
    if manage and not perms.can_manage_members(request.user, organization):
        raise PermissionDenied(ADMIN_ONLY)
    return organization


def _context(organization) -> dict:
    return {
        "organization": organization,
        "organization_name": display_name(organization),
        "kind": kind_of(organization),
    }


def _done(request, function, success_message: str, **kwargs) -> bool:
    """Call a service; an action no longer possible becomes a message, never an error page."""
    try:
        function(acting_user=request.user, **kwargs)
    except services.ActionError as error:
        messages.warning(request, error.message)
        return False
    except PermissionError:
        messages.error(request, "Vous n'êtes plus administrateur : cette action n'est plus possible.")
        return False
    messages.success(request, success_message)
    return True


@login_required
def index(request):
    organization = _organization_or_404(request)
    can_manage = perms.can_manage_members(request.user, organization)
    memberships = list(
        memberships_of(organization)
        .active()
        .select_related("user")
        .order_by("-is_admin", "user__last_name", "user__first_name", "pk")
    )
    join_requests = invitations = []
    if can_manage:
        join_requests = JoinRequest.objects.for_organization(organization).pending().select_related("user")
        join_requests = join_requests.order_by("created_at", "pk")
        invitations = Invitation.objects.for_organization(organization).pending().select_related("sent_by")
    return render(
        request,
        "members/index.html",
        _context(organization)
        | {
            "memberships": memberships,
            "admins": [membership for membership in memberships if membership.is_admin],
            "can_manage": can_manage,
            "join_requests": join_requests,
            "invitations": invitations,
        },
    )


@login_required
def invite(request):
    organization = _organization_or_404(request)
    if not perms.can_invite(request.user, organization):
        raise PermissionDenied(ADMIN_ONLY)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                acting_user=request.user, organization=organization, **form.cleaned_data
            )
        except services.ActionError as error:
            form.add_error("email", error.message)
        else:
            remember_address_without_account(request, invitation.email)  # demo mailbox
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email}. Le lien est valable {INVITATION_VALIDITY.days} jours ; "
                "vous serez prévenu quand elle sera acceptée.",
            )
            return redirect("members:index")
    return render(request, "members/invite.html", _context(organization) | {"form": form})


def _membership_or_404(request, membership_pk):
    organization = _organization_or_404(request, manage=True)
    return get_object_or_404(memberships_of(organization).select_related("user"), pk=membership_pk)


@login_required
@require_POST
def promote(request, membership_pk):
    membership = _membership_or_404(request, membership_pk)
    name = membership.user.get_full_name()
    _done(
        request,
        services.membership_set_admin,
        f"{name} est maintenant administrateur.",
        membership=membership,
        is_admin=True,
    )
    return redirect("members:index")


@login_required
@require_POST
def demote(request, membership_pk):
    membership = _membership_or_404(request, membership_pk)
    name = membership.user.get_full_name()
    _done(
        request,
        services.membership_set_admin,
        f"{name} n'est plus administrateur ; il reste membre.",
        membership=membership,
        is_admin=False,
    )
    return redirect("members:index")


@login_required
def deactivate(request, membership_pk):
    """Confirm, then remove a member: they lose access at once."""
    membership = _membership_or_404(request, membership_pk)
    organization = _organization_or_404(request)
    if request.method == "POST":
        done = _done(
            request,
            services.membership_deactivate,
            f"{membership.user.get_full_name()} ne fait plus partie {kind_of(organization).of_the}.",
            membership=membership,
        )
        if done and membership.user_id == request.user.pk:
            return redirect("dashboard:index")
        return redirect("members:index")
    if not membership.is_active:
        messages.warning(request, services.AlreadyDone().message)
        return redirect("members:index")
    return render(request, "members/deactivate.html", _context(organization) | {"membership": membership})


def _join_request_or_404(request, join_request_pk):
    organization = _organization_or_404(request, manage=True)
    return get_object_or_404(
        JoinRequest.objects.for_organization(organization).select_related("user"), pk=join_request_pk
    )


@login_required
@require_POST
def join_request_accept(request, join_request_pk):
    join_request = _join_request_or_404(request, join_request_pk)
    _done(
        request,
        services.join_request_accept,
        f"Demande acceptée : {join_request.user.get_full_name()} fait maintenant partie des membres.",
        join_request=join_request,
    )
    return redirect("members:index")


@login_required
@require_POST
def join_request_decline(request, join_request_pk):
    join_request = _join_request_or_404(request, join_request_pk)
    _done(
        request,
        services.join_request_decline,
        f"Demande de {join_request.user.get_full_name()} refusée ; cette personne est prévenue par e-mail.",
        join_request=join_request,
    )
    return redirect("members:index")


@login_required
@require_POST
def invitation_cancel(request, invitation_pk):
    organization = _organization_or_404(request, manage=True)
    invitation = get_object_or_404(Invitation.objects.for_organization(organization), pk=invitation_pk)
    _done(
        request,
        services.invitation_cancel,
        f"Invitation de {invitation.email} annulée : le lien ne fonctionne plus.",
        invitation=invitation,
    )
    return redirect("members:index")
