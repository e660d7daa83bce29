"""Every change to users and job seeker profiles goes through these functions."""

from django.db import transaction

from itou.users.enums import UserKind
from itou.users.models import JobSeekerProfile, User


def job_seeker_profile_create(
    *, user: User, birthdate=None, nir: str = "", lack_of_nir_reason: str = ""
) -> JobSeekerProfile:
    """Create the profile of a job seeker who just signed up (in the signup transaction)."""
    return JobSeekerProfile.objects.create(
        user=user, birthdate=birthdate, nir=nir or "", lack_of_nir_reason=lack_of_nir_reason or ""
    )


@transaction.atomic
def job_seeker_profile_update(*, acting_user: User, job_seeker: User, user_fields: dict, profile_fields: dict) -> User:
    """Update a job seeker's identity and profile in one transaction.

    Only the job seeker may do it here; professionals get their own path later.
    """
    if acting_user.pk != job_seeker.pk or job_seeker.kind != UserKind.JOB_SEEKER:
        raise PermissionError("Vous ne pouvez pas modifier ce profil.")
    user = User.objects.select_for_update().get(pk=job_seeker.pk)
    profile = JobSeekerProfile.objects.filter(user=user).first()
    if profile is not None and profile.identity_certified:
        # Certified by FranceConnect: names and birth date only change through it.
        user_fields = {k: v for k, v in user_fields.items() if k not in JobSeekerProfile.CERTIFIED_FIELDS}
        profile_fields = {k: v for k, v in profile_fields.items() if k not in JobSeekerProfile.CERTIFIED_FIELDS}
    for name, value in user_fields.items():
        setattr(user, name, value)
    user.save(update_fields=[*user_fields.keys(), "updated_at"] if user_fields else None)
    profile, _ = JobSeekerProfile.objects.get_or_create(user=user)
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    return user


# --- Accounts created by a professional for a job seeker (applying on their behalf) ---

# The same words whoever holds the address (a job seeker, a professional): the apply
# journey must not tell a professional's address from a job seeker's.
EMAIL_UNUSABLE = (
    "Cette adresse e-mail ne peut pas être utilisée pour le compte de ce candidat. Vérifiez-la avec lui, "
    "ou laissez-la vide : il pourra en ajouter une plus tard."
)

ACCOUNT_CREATED_EMAIL_TEMPLATE = "apply/email/job_seeker_account_created"


def _check_acts_for(acting_user: User, organization) -> None:
    """PermissionDenied unless `acting_user` is an active member of `organization`
    (a prescriber organization or an employer)."""
    from django.core.exceptions import PermissionDenied

    from itou.companies.models import Company, CompanyMembership
    from itou.prescribers.models import PrescriberMembership, PrescriberOrganization

    if not acting_user.is_active or acting_user.kind != UserKind.PROFESSIONAL:
        raise PermissionDenied("Seul un professionnel peut créer le compte d'un candidat.")
    if isinstance(organization, PrescriberOrganization):
        memberships = PrescriberMembership.objects.active().filter(user=acting_user, organization_id=organization.pk)
    elif isinstance(organization, Company):
        memberships = CompanyMembership.objects.active().filter(user=acting_user, company_id=organization.pk)
    else:
        memberships = None
    if memberships is None or not memberships.exists():
        raise PermissionDenied("Vous n'êtes pas membre de cette organisation.")


def job_seeker_account_claim_url(user: User) -> str:
    """allauth's password reset link for `user`: opening it lets them choose their own password.

    The token depends on the (unusable) password: it stops working once a password is set.
    """
    from allauth.account.forms import default_token_generator
    from allauth.account.utils import user_pk_to_url_str
    from django.conf import settings
    from django.urls import reverse

    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL + path


def _send_account_created_email(*, user: User, acting_user: User, organization) -> None:
    from django.conf import settings
    from django.urls import reverse

    from itou.notifications.emails import Button, send_email

    context = {
        "user": user,
        "professional": acting_user,
        "organization_name": getattr(organization, "display_name", None) or organization.name,
        "claim_url": job_seeker_account_claim_url(user),
        "claim_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "login_code_url": settings.SITE_URL + reverse("account_request_login_code"),
        "password_reset_url": settings.SITE_URL + reverse("account_reset_password"),
    }
    send_email(
        ACCOUNT_CREATED_EMAIL_TEMPLATE,
        to=user.email,
        context=context,
        button=Button("Choisir mon mot de passe", context["claim_url"]),
    )


@transaction.atomic
def job_seeker_create_by_professional(
    *,
    acting_user: User,
    organization,
    first_name: str,
    last_name: str,
    birthdate,
    nir: str = "",
    lack_of_nir_reason: str = "",
    email: str = "",
    phone: str = "",
    commune=None,
    address_line: str = "",
    education_level: str = "",
) -> User:
    """Create the account of a job seeker on their behalf, as a member of `organization`.

    The account has no usable password: when an email is given, the job seeker receives
    (on commit) a link to choose their own password (allauth's password reset flow), and
    may also log in with a one-time code. Never a duplicate: a NIR or an email already
    used by another account is refused (ValidationError, in French), also when two
    requests race (the database constraints decide).
    """
    from allauth.account.models import EmailAddress
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    _check_acts_for(acting_user, organization)
    email = (email or "").strip().lower()
    nir = (nir or "").strip().upper()
    errors = {}
    if nir and JobSeekerProfile.objects.filter(nir=nir).exists():
        errors["nir"] = "Ce numéro de sécurité sociale est déjà associé au compte d'une autre personne."
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = EMAIL_UNUSABLE
    if errors:
        raise ValidationError(errors)

    user = User(kind=UserKind.JOB_SEEKER, email=email or None, first_name=first_name, last_name=last_name, phone=phone)
    user.set_unusable_password()
    profile = JobSeekerProfile(
        birthdate=birthdate,
        nir=nir,
        lack_of_nir_reason="" if nir else (lack_of_nir_reason or ""),
        commune=commune,
        address_line=address_line or "",
        education_level=education_level or "",
    )
    try:
        with transaction.atomic():
            user.full_clean(exclude=["password", "email"])
            user.save()
            profile.user = user
            profile.full_clean(exclude=["user"])
            profile.save()
            if email:
                EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    except IntegrityError:
        # Another request created the same person between the checks and the insert.
        raise ValidationError("Ce candidat vient d'être enregistré par ailleurs : recherchez-le à nouveau.")
    if email:
        _send_account_created_email(user=user, acting_user=acting_user, organization=organization)
    return user
