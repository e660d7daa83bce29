"""Every change to memberships, invitations and join requests goes through these functions.

They take keyword-only arguments, the acting user first; they check permissions, run in
one transaction and lock the organization's row before touching its memberships (always
the organization first, then the invitation or request: no deadlock between two
services). Emails leave once the transaction commits.

An action that is not possible (any more) raises `ActionError` with a French message
that the screens show as is; `AlreadyDone` is a double click or a stale page.
"""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.utils import timezone

from itou.invitations import emails, perms
from itou.invitations.enums import JoinRequestStatus
from itou.invitations.models import INVITATION_VALIDITY, Invitation, JoinRequest
from itou.invitations.organizations import display_name, kind_of, lock, memberships_of, organization_of
from itou.users.enums import UserKind
from itou.users.models import User

EMAIL_TAKEN = "Un compte existe déjà avec cette adresse e-mail. Connectez-vous, ou utilisez « Mot de passe oublié ? »."
NOT_ALLOWED = "Vous n'avez pas les droits nécessaires pour faire cela."


class ActionError(Exception):
    """The action cannot be done (any more); `message`, in French, is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class AlreadyDone(ActionError):
    """The action was already done: a double click, or a page opened before someone else acted."""

    def __init__(self, message: str = "Cette action a déjà été effectuée."):
        super().__init__(message)


class EmailTaken(ActionError):
    """An account already uses the address typed for a new account."""

    def __init__(self, message: str = EMAIL_TAKEN):
        super().__init__(message)


@dataclass(frozen=True)
class NewAccount:
    """What a person types to create their professional account along with the action."""

    email: str
    first_name: str
    last_name: str
    password: str


# Accounts ---------------------------------------------------------------------------


def professional_account_create(*, new_account: NewAccount, email_verified: bool) -> User:
    """A professional's account and its primary email, in the caller's transaction.

    `email_verified` is True only when the person proved they read this mailbox (they
    followed a link sent to it); otherwise allauth asks them to confirm it before the
    first login.
    """
    email = new_account.email.strip().lower()
    if User.objects.filter(email__iexact=email).exists() or EmailAddress.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    user = User(
        email=email,
        first_name=new_account.first_name.strip(),
        last_name=new_account.last_name.strip(),
        kind=UserKind.PROFESSIONAL,
    )
    user.set_password(new_account.password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # the same address signed up a moment ago
        raise EmailTaken()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=email_verified)
    return user


def acting_or_new_user(*, acting_user: User | None, new_account: NewAccount | None, email_verified=False) -> User:
    """The logged-in professional, or the account created for this action."""
    if acting_user is not None:
        if not acting_user.is_professional:
            raise ActionError(
                "Vous êtes connecté avec un compte qui n'est pas un compte professionnel : "
                "déconnectez-vous, puis créez votre compte professionnel."
            )
        return acting_user
    if new_account is None:
        raise ValueError("Either acting_user or new_account is required.")
    return professional_account_create(new_account=new_account, email_verified=email_verified)


# Memberships ------------------------------------------------------------------------


def add_member(*, organization, user: User, is_admin: bool):
    """Make `user` an active member (creating or reactivating the membership).

    Building block of the services below: the caller holds the organization's lock.
    An active member invited as admin becomes admin; otherwise nothing changes.
    """
    kind = kind_of(organization)
    membership = memberships_of(organization).filter(user=user).select_for_update().first()
    if membership is None:
        membership = kind.membership_model(user=user, is_admin=is_admin, **{kind.membership_field: organization})
    elif membership.is_active:
        membership.is_admin = membership.is_admin or is_admin
    else:
        membership.is_active = True
        membership.is_admin = is_admin
        membership.joined_at = timezone.now()
    membership.save()
    return membership


def _locked_membership(*, acting_user: User, membership):
    """Lock the organization then the membership; check that `acting_user` manages its members."""
    organization = lock(organization_of(membership))
    if not perms.can_manage_members(acting_user, organization):
        raise PermissionError(NOT_ALLOWED)
    membership = type(membership).objects.select_for_update(of=("self",)).select_related("user").get(pk=membership.pk)
    if not membership.is_active:
        raise AlreadyDone(f"{membership.user.get_full_name()} ne fait plus partie {kind_of(organization).of_the}.")
    return organization, membership


def _other_admins_exist(organization, membership) -> bool:
    return memberships_of(organization).admins().exclude(pk=membership.pk).exists()


def _last_admin_message(organization) -> str:
    kind = kind_of(organization)
    return (
        f"Il faut au moins un administrateur {kind.of_the} : nommez d'abord un autre administrateur parmi les membres."
    )


@transaction.atomic
def membership_set_admin(*, acting_user: User, membership, is_admin: bool):
    """Promote a member to admin, or demote an admin (never the last one)."""
    organization, membership = _locked_membership(acting_user=acting_user, membership=membership)
    if membership.is_admin == is_admin:
        raise AlreadyDone()
    if not is_admin and not _other_admins_exist(organization, membership):
        raise ActionError(_last_admin_message(organization))
    membership.is_admin = is_admin
    membership.save(update_fields=["is_admin"])
    emails.send_to_each(
        "membership_admin_changed",
        users=[membership.user],
        context={
            "organization_name": display_name(organization),
            "kind": kind_of(organization),
            "is_admin": is_admin,
            "acting_user": acting_user,
        },
    )
    return membership


@transaction.atomic
def membership_deactivate(*, acting_user: User, membership):
    """Remove a member: they lose access to the organization at once (never the last admin)."""
    organization, membership = _locked_membership(acting_user=acting_user, membership=membership)
    if membership.is_admin and not _other_admins_exist(organization, membership):
        raise ActionError(_last_admin_message(organization))
    membership.is_active = False
    membership.is_admin = False
    membership.save(update_fields=["is_active", "is_admin"])
    emails.send_to_each(
        "membership_deactivated",
        users=[membership.user],
        context={"organization_name": display_name(organization), "kind": kind_of(organization)},
    )
    return membership


# Invitations ------------------------------------------------------------------------


@transaction.atomic
def invitation_create(
    *,
    acting_user: User,
    organization,
    email: str,
    first_name: str = "",
    last_name: str = "",
    is_admin: bool = False,
) -> Invitation:
    """Invite someone by email; an open invitation of the same address to the same
    organization is replaced (cancelled) by this one."""
    if not perms.can_invite(acting_user, organization):
        raise PermissionError(NOT_ALLOWED)
    organization = lock(organization)
    kind = kind_of(organization)
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and not existing.is_professional:
        raise ActionError(
            "Cette adresse e-mail est celle d'un compte candidat ou de l'équipe support : "
            "invitez l'adresse e-mail professionnelle de votre collègue."
        )
    if existing is not None and memberships_of(organization).active().filter(user=existing).exists():
        raise ActionError(f"{existing.get_full_name()} ({email}) fait déjà partie {kind.of_the}.")
    now = timezone.now()
    Invitation.objects.for_organization(organization).open().for_email(email).update(
        cancelled_at=now, cancelled_by=acting_user
    )
    invitation = Invitation.objects.create(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_admin=is_admin,
        sent_by=acting_user,
        created_at=now,
        expires_at=now + INVITATION_VALIDITY,
        **{kind.target_field: organization},
    )
    emails.send(
        "invitation",
        to=email,
        context={
            "invitation": invitation,
            "organization_name": display_name(organization),
            "kind": kind,
            "accept_url": emails.absolute_url(invitation.get_accept_path()),
            "has_account": existing is not None,
        },
    )
    return invitation


@transaction.atomic
def invitation_cancel(*, acting_user: User, invitation: Invitation) -> Invitation:
    lock(invitation.organization)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not perms.can_cancel_invitation(acting_user, invitation):
        raise PermissionError(NOT_ALLOWED)
    if invitation.accepted_at or invitation.cancelled_at:
        raise AlreadyDone()
    invitation.cancelled_at = timezone.now()
    invitation.cancelled_by = acting_user
    invitation.save(update_fields=["cancelled_at", "cancelled_by"])
    return invitation


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be accepted; otherwise an ActionError saying why."""
    if invitation is None:
        raise ActionError(
            "Ce lien d'invitation n'est pas valable. Vérifiez que vous avez copié le lien en entier, "
            "ou demandez une nouvelle invitation."
        )
    if invitation.accepted_at:
        raise AlreadyDone("Cette invitation a déjà été acceptée. Connectez-vous pour accéder à votre espace.")
    if invitation.cancelled_at:
        raise ActionError(
            "Cette invitation a été annulée. Si vous pensez que c'est une erreur, demandez une nouvelle invitation."
        )
    if invitation.expires_at <= timezone.now():
        raise ActionError(
            f"Cette invitation a expiré (elle était valable {INVITATION_VALIDITY.days} jours). "
            "Demandez une nouvelle invitation à la personne qui vous l'a envoyée."
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, acting_user: User | None, invitation: Invitation, new_account: NewAccount | None = None
) -> tuple[User, object]:
    """Accept an invitation: the logged-in invited person, or a new account for the
    invited address (verified by the link itself). Returns the user and the membership."""
    organization = lock(invitation.organization)
    invitation = invitation_check(Invitation.objects.select_for_update().filter(pk=invitation.pk).first())
    if acting_user is None:
        if new_account is None:
            raise ValueError("Either acting_user or new_account is required.")
        user = professional_account_create(
            new_account=NewAccount(
                email=invitation.email,
                first_name=new_account.first_name,
                last_name=new_account.last_name,
                password=new_account.password,
            ),
            email_verified=True,
        )
    else:
        user = acting_user
    if user.is_authenticated and (user.email or "").lower() == invitation.email and not user.is_professional:
        raise ActionError(
            "Cette adresse e-mail est celle d'un compte qui n'est pas un compte professionnel : "
            "contactez le support pour rejoindre cette organisation."
        )
    if not perms.can_accept_invitation(user, invitation):
        raise ActionError(
            f"Cette invitation a été envoyée à {emails.mask_email(invitation.email)}, "
            f"et vous êtes connecté avec un autre compte ({user.email}). "
            "Déconnectez-vous, puis ouvrez à nouveau le lien de l'invitation."
        )
    membership = add_member(organization=organization, user=user, is_admin=invitation.is_admin)
    now = timezone.now()
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # A request to join the same organization is answered by the invitation.
    JoinRequest.objects.for_organization(organization).pending().filter(user=user).update(
        status=JoinRequestStatus.ACCEPTED, decided_at=now, decided_by=invitation.sent_by
    )
    if invitation.sent_by and invitation.sent_by.email:
        emails.send_to_each(
            "invitation_accepted",
            users=[invitation.sent_by],
            context={"member": user, "organization_name": display_name(organization), "kind": kind_of(organization)},
        )
    return user, membership


def pending_invitations_apply(*, user: User) -> list[Invitation]:
    """Accept the pending invitations of the user's (verified) email: called at login."""
    if not (user.is_professional and user.email):
        return []
    accepted = []
    for invitation in Invitation.objects.pending().for_email(user.email).order_by("created_at"):
        try:
            invitation_accept(acting_user=user, invitation=invitation)
        except (ActionError, PermissionError):
            continue
        accepted.append(invitation)
    return accepted


# Join requests ----------------------------------------------------------------------


def join_request_add(*, user: User, organization) -> JoinRequest:
    """Ask to join: the admins are emailed (the support team when there is none).

    Building block of the services: the caller holds the organization's lock.
    """
    kind = kind_of(organization)
    name = display_name(organization)
    if memberships_of(organization).active().filter(user=user).exists():
        raise ActionError(f"Vous faites déjà partie {kind.of_the} {name}.")
    if JoinRequest.objects.for_organization(organization).pending().filter(user=user).exists():
        raise ActionError(
            f"Vous avez déjà demandé à rejoindre {kind.the} {name} : ses administrateurs vont vous répondre par e-mail."
        )
    join_request = JoinRequest.objects.create(user=user, **{kind.target_field: organization})
    admins = list(User.objects.filter(pk__in=memberships_of(organization).admins().values("user")))
    context = {"join_request": join_request, "requester": user, "organization_name": name, "kind": kind}
    if admins:
        emails.send_to_each("join_request_new", users=admins, context=context)
    else:
        emails.send("join_request_no_admin", to=emails.support_email(), context=context)
    return join_request


@transaction.atomic
def join_request_create(
    *, acting_user: User | None, organization, new_account: NewAccount | None = None
) -> JoinRequest:
    """A professional (or the account created with the request) asks to join an organization."""
    user = acting_or_new_user(acting_user=acting_user, new_account=new_account)
    if not perms.can_request_to_join(user):
        raise PermissionError(NOT_ALLOWED)
    organization = lock(organization)
    return join_request_add(user=user, organization=organization)


@transaction.atomic
def join_request_decide(*, acting_user: User, join_request: JoinRequest, accept: bool) -> JoinRequest:
    organization = lock(join_request.organization)
    join_request = JoinRequest.objects.select_for_update(of=("self",)).select_related("user").get(pk=join_request.pk)
    if not perms.can_decide_join_request(acting_user, join_request):
        raise PermissionError(NOT_ALLOWED)
    if not join_request.is_pending:
        raise AlreadyDone()
    if accept:
        # When the support team accepts for an organization without admin, the newcomer becomes its admin.
        has_admin = memberships_of(organization).admins().exists()
        add_member(organization=organization, user=join_request.user, is_admin=not has_admin)
    join_request.status = JoinRequestStatus.ACCEPTED if accept else JoinRequestStatus.DECLINED
    join_request.decided_at = timezone.now()
    join_request.decided_by = acting_user
    join_request.save(update_fields=["status", "decided_at", "decided_by"])
    emails.send_to_each(
        "join_request_decided",
        users=[join_request.user],
        context={"accepted": accept, "organization_name": display_name(organization), "kind": kind_of(organization)},
    )
    return join_request


def join_request_accept(*, acting_user: User, join_request: JoinRequest) -> JoinRequest:
    return join_request_decide(acting_user=acting_user, join_request=join_request, accept=True)


def join_request_decline(*, acting_user: User, join_request: JoinRequest) -> JoinRequest:
    return join_request_decide(acting_user=acting_user, join_request=join_request, accept=False)
