"""Employers' signup: a single-use link sent to the structure's official email, the
account and membership it creates, and messages to the support team for unknown
structures. Membership changes common to every organization are in
itou/invitations/services.py.
"""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from itou.companies.models import Company
from itou.companies.perms import EMPLOYER_SIGNUP_KINDS, can_receive_signup_link, company_signup_email
from itou.invitations import emails
from itou.invitations.models import (
    COMPANY_SIGNUP_LINK_RESEND_DELAY,
    COMPANY_SIGNUP_LINK_VALIDITY,
    CompanySignupLink,
    JoinRequest,
    SupportRequest,
    hash_token,
)
from itou.invitations.organizations import lock, memberships_of
from itou.invitations.services import (
    ActionError,
    AlreadyDone,
    NewAccount,
    acting_or_new_user,
    add_member,
    join_request_add,
)
from itou.users.models import User

# A SIREN shared by many establishments (national networks): the list stops there.
MAX_SIGNUP_CANDIDATES = 50


def company_signup_candidates(siret: str) -> QuerySet:
    """The active structures that sign up online with this SIRET, then those of the same
    SIREN (other establishments, antennes); at most MAX_SIGNUP_CANDIDATES."""
    return (
        Company.objects.active()
        .filter(kind__in=EMPLOYER_SIGNUP_KINDS, siret__startswith=siret[:9])
        .select_related("commune", "parent")
        .annotate(same_siret=Case(When(siret=siret, then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("same_siret", "name", "kind", "pk")[:MAX_SIGNUP_CANDIDATES]
    )


@transaction.atomic
def company_signup_link_send(*, company: Company) -> CompanySignupLink:
    """Email a signup link to the structure's official address (anyone may ask: only
    someone who reads that mailbox can use it)."""
    company = Company.objects.select_for_update(of=("self",)).select_related("parent").get(pk=company.pk)
    if not can_receive_signup_link(company):
        if company.kind in EMPLOYER_SIGNUP_KINDS and company.is_active:
            raise ActionError(
                "Nous n'avons pas d'adresse e-mail officielle pour cette structure : écrivez à l'équipe support, "
                "qui vérifiera votre demande."
            )
        raise ActionError("Cette structure ne peut pas recevoir de lien d'inscription : écrivez à l'équipe support.")
    email = company_signup_email(company)
    now = timezone.now()
    if company.signup_links.filter(created_at__gt=now - COMPANY_SIGNUP_LINK_RESEND_DELAY).exists():
        raise ActionError(
            f"Un lien d'inscription vient d'être envoyé à {emails.mask_email(email)}. Consultez cette boîte "
            "(et les courriers indésirables) ; vous pourrez demander un nouveau lien dans quelques minutes."
        )
    token = secrets.token_urlsafe(32)
    link = CompanySignupLink.objects.create(
        company=company,
        email=email,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + COMPANY_SIGNUP_LINK_VALIDITY,
    )
    emails.send(
        "company_signup_link",
        to=email,
        context={
            "company": company,
            "link": link,
            "url": emails.absolute_url(reverse("signup:employer_link", kwargs={"token": token})),
            "validity_days": COMPANY_SIGNUP_LINK_VALIDITY.days,
        },
    )
    return link


def company_signup_link_get(token: str) -> CompanySignupLink | None:
    return CompanySignupLink.objects.select_related("company").filter(token_hash=hash_token(token)).first()


def company_signup_link_check(link: CompanySignupLink | None) -> CompanySignupLink:
    """The link if it can still be used; otherwise an ActionError saying why."""
    if link is None:
        raise ActionError(
            "Ce lien d'inscription n'est pas valable. Vérifiez que vous avez copié le lien en entier, "
            "ou demandez un nouveau lien."
        )
    if link.used_at:
        raise AlreadyDone(
            "Ce lien d'inscription a déjà été utilisé. Connectez-vous, ou demandez un nouveau lien "
            "si une autre personne de votre structure veut s'inscrire."
        )
    if link.expires_at <= timezone.now():
        raise ActionError(
            f"Ce lien d'inscription a expiré (il était valable {COMPANY_SIGNUP_LINK_VALIDITY.days} jours) : "
            "demandez un nouveau lien."
        )
    return link


@dataclass(frozen=True)
class CompanySignupResult:
    user: User
    company: Company
    membership: object | None = None  # the structure had no member: the user is its admin
    join_request: JoinRequest | None = None  # otherwise its admins decide


@transaction.atomic
def company_join_with_signup_link(
    *, acting_user: User | None, token: str, new_account: NewAccount | None = None
) -> CompanySignupResult:
    """Use a signup link: with the logged-in professional, or a new account (whose email
    is verified when it is the address the link was sent to).

    The first member becomes the structure's admin; later ones send a join request.
    """
    link = company_signup_link_check(
        CompanySignupLink.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    )
    email_verified = new_account is not None and new_account.email.strip().lower() == link.email.lower()
    user = acting_or_new_user(acting_user=acting_user, new_account=new_account, email_verified=email_verified)
    company = lock(link.company)
    if company.kind not in EMPLOYER_SIGNUP_KINDS or not company.is_active:
        raise ActionError("Cette structure ne peut plus recevoir d'inscription : écrivez à l'équipe support.")
    link.used_at = timezone.now()
    link.used_by = user
    link.save(update_fields=["used_at", "used_by"])
    if not memberships_of(company).active().exists():
        membership = add_member(organization=company, user=user, is_admin=True)
        return CompanySignupResult(user=user, company=company, membership=membership)
    join_request = join_request_add(user=user, organization=company)
    return CompanySignupResult(user=user, company=company, join_request=join_request)


@transaction.atomic
def company_support_request_create(
    *,
    acting_user: User | None,
    first_name: str,
    last_name: str,
    email: str,
    phone: str = "",
    siret: str,
    company_name: str,
    company_kind: str = "",
    message: str,
) -> SupportRequest:
    """An employer whose structure is not listed writes to the support team (who may
    create the structure in the back-office)."""
    support_request = SupportRequest.objects.create(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        siret=siret,
        company_name=company_name.strip(),
        company_kind=company_kind,
        message=message.strip(),
    )
    emails.send(
        "support_request",
        to=emails.support_email(),
        reply_to=[support_request.email],
        context={
            "support_request": support_request,
            "acting_user": acting_user,
            "admin_url": emails.absolute_url(
                reverse("admin:invitations_supportrequest_change", args=[support_request.pk])
            ),
        },
    )
    return support_request
