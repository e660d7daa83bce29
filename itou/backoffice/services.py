"""The writes of the support team: each checks the staff role, runs in one transaction, goes
through the domain rules and leaves a StaffAction (shown on the person's admin page)."""

import dataclasses

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itou.approvals.models import Approval
from itou.audit.enums import AccessKind
from itou.audit.models import AccessLog, Anonymization, DeletionRequest
from itou.audit.retention import user_anonymize
from itou.audit.services import access_log_record
from itou.backoffice.models import StaffAction, StaffActionKind
from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis
from itou.job_applications.models import JobApplication
from itou.notifications.emails import send_email
from itou.users.enums import IdentityProvider, UserKind
from itou.users.models import JobSeekerProfile, User
from itou.utils.staff_roles import StaffRole, staff_has_role


def _check(acting_user, role=StaffRole.SUPPORT) -> None:
    if not staff_has_role(acting_user, role):
        raise PermissionDenied("Cette action est réservée à l'équipe support.")


def _log(acting_user, kind, target_user, **details) -> StaffAction:
    return StaffAction.objects.create(acting_user=acting_user, kind=kind, target_user=target_user, details=details)


def _locked(user) -> User:
    return User.objects.select_for_update().get(pk=user.pk)


def _notify(template: str, to: str, context: dict) -> None:
    send_email(f"backoffice/emails/{template}", to=to, context=context)


@transaction.atomic
def staff_user_deactivate(*, acting_user, user) -> None:
    _check(acting_user)
    user = _locked(user)
    if user.is_staff and not acting_user.is_superuser:
        raise PermissionDenied("Seul un super-utilisateur peut désactiver un membre de l'équipe.")
    if not user.is_active:
        raise ValidationError("Ce compte est déjà désactivé.")
    user.is_active = False
    user.save(update_fields=["is_active", "updated_at"])
    _log(acting_user, StaffActionKind.USER_DEACTIVATE, user)


@transaction.atomic
def staff_user_reactivate(*, acting_user, user) -> None:
    _check(acting_user)
    user = _locked(user)
    if Anonymization.objects.filter(user=user).exists():
        raise ValidationError("Ce compte a été anonymisé : il ne peut pas être réactivé.")
    if user.is_active:
        raise ValidationError("Ce compte est déjà actif.")
    user.is_active = True
    user.save(update_fields=["is_active", "updated_at"])
    _log(acting_user, StaffActionKind.USER_REACTIVATE, user)


@transaction.atomic
def staff_user_resend_verification(*, acting_user, user, request) -> None:
    _check(acting_user)
    address = EmailAddress.objects.filter(user=user, primary=True).first()
    if address is None:
        raise ValidationError("Ce compte n'a pas d'adresse e-mail.")
    if address.verified:
        raise ValidationError("Cette adresse e-mail est déjà vérifiée.")
    address.send_confirmation(request, signup=False)
    _log(acting_user, StaffActionKind.USER_RESEND_VERIFICATION, user, email=address.email)


@transaction.atomic
def staff_user_change_email(*, acting_user, user, new_email: str, request) -> None:
    """The new address must be confirmed by its owner (an email with a link); both addresses are told."""
    _check(acting_user)
    user = _locked(user)
    new_email = (new_email or "").strip().lower()
    old_email = user.email or ""
    if not new_email:
        raise ValidationError("Indiquez la nouvelle adresse e-mail.")
    if new_email == old_email:
        raise ValidationError("C'est déjà l'adresse de ce compte.")
    if (
        User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
        or EmailAddress.objects.filter(email__iexact=new_email).exclude(user=user).exists()
    ):
        raise ValidationError("Un autre compte utilise déjà cette adresse e-mail.")
    user.email = new_email
    user.save(update_fields=["email", "updated_at"])
    EmailAddress.objects.filter(user=user).delete()
    address = EmailAddress.objects.create(user=user, email=new_email, primary=True, verified=False)
    context = {"user": user, "old_email": old_email, "new_email": new_email, "support_email": settings.SUPPORT_EMAIL}
    if old_email:
        _notify("email_changed_old", old_email, context)
    _notify("email_changed_new", new_email, context)
    address.send_confirmation(request, signup=False)
    _log(acting_user, StaffActionKind.USER_CHANGE_EMAIL, user, old_email=old_email, new_email=new_email)


def staff_nir_view(*, acting_user, user) -> str:
    """The NIR in clear, for the support team only: each view is logged (access log + staff action)."""
    _check(acting_user)
    profile = JobSeekerProfile.objects.filter(user=user).first()
    if profile is None or not profile.nir:
        return ""
    with transaction.atomic():
        access_log_record(viewer=acting_user, holder=user, kind=AccessKind.NIR)
        _log(acting_user, StaffActionKind.NIR_VIEW, user)
    return profile.nir


@transaction.atomic
def staff_deletion_request_handle(*, acting_user, deletion_request) -> None:
    _check(acting_user)
    deletion_request = DeletionRequest.objects.select_for_update().get(pk=deletion_request.pk)
    if deletion_request.handled_at is not None:
        raise ValidationError("Cette demande a déjà été traitée.")
    user = deletion_request.user
    if user.is_staff:
        raise ValidationError("Un compte de l'équipe support ne se supprime pas ainsi.")
    email = user.email
    user_anonymize(user=user, reason=Anonymization.Reason.REQUEST, by_user=acting_user)
    deletion_request.handled_at = timezone.now()
    deletion_request.handled_by = acting_user
    deletion_request.save()
    _log(acting_user, StaffActionKind.USER_ANONYMIZE, user, reason="request")
    if email:
        _notify("account_deleted", email, {"support_email": settings.SUPPORT_EMAIL})


# ------------------------------------------------------------------------------------------
# Merge two job seeker accounts
# ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class MergePreview:
    conflicts: list[str]
    moves: dict[str, int]


def _check_mergeable(kept, duplicate) -> None:
    if kept.pk == duplicate.pk:
        raise ValidationError("Choisissez deux comptes différents.")
    for user in (kept, duplicate):
        if user.kind != UserKind.JOB_SEEKER:
            raise ValidationError(
                f"{user.get_full_name()} n'est pas un compte candidat : seuls les candidats se fusionnent."
            )
        if Anonymization.objects.filter(user=user).exists():
            raise ValidationError("L'un des deux comptes est déjà anonymisé.")


def _provider_label(provider_id: str) -> str:
    try:
        return IdentityProvider(provider_id).label
    except ValueError:
        return provider_id


def _social_accounts_split(kept, duplicate) -> tuple[list, list]:
    """The duplicate's FranceConnect / ProConnect links: those that move to `kept`, and those
    dropped because `kept` already has a link with the same provider."""
    kept_providers = set(SocialAccount.objects.filter(user=kept).values_list("provider", flat=True))
    moving, dropped = [], []
    for account in SocialAccount.objects.filter(user=duplicate).order_by("pk"):
        (dropped if account.provider in kept_providers else moving).append(account)
    return moving, dropped


def _carries_certified_identity(kept_profile, dup_profile) -> bool:
    """The kept account takes the duplicate's certified identity only when it has none."""
    return bool(
        dup_profile and dup_profile.identity_certified and not (kept_profile and kept_profile.identity_certified)
    )


def job_seekers_merge_preview(*, kept, duplicate) -> MergePreview:
    """What would move from `duplicate` to `kept`, and what the support must look at first."""
    _check_mergeable(kept, duplicate)
    conflicts = []
    kept_profile = JobSeekerProfile.objects.filter(user=kept).first()
    dup_profile = JobSeekerProfile.objects.filter(user=duplicate).first()
    carries_identity = _carries_certified_identity(kept_profile, dup_profile)
    moving_links, dropped_links = _social_accounts_split(kept, duplicate)
    for account in dropped_links:
        label = _provider_label(account.provider)
        conflicts.append(
            f"Les deux comptes sont liés à {label} : le lien du compte gardé reste, celui du doublon est supprimé "
            f"(la personne ne pourra plus se connecter avec l'identité {label} du doublon)."
        )
    if carries_identity:
        conflicts.append(
            f"Le doublon a une identité certifiée par {_provider_label(dup_profile.identity_certified_by)}, "
            "pas le compte gardé : ses nom, prénom, date et lieu de naissance certifiés passent sur le compte gardé."
        )
    if kept_profile and dup_profile:
        if kept_profile.nir and dup_profile.nir and kept_profile.nir != dup_profile.nir:
            conflicts.append(
                f"Les deux comptes ont des numéros de sécurité sociale différents ({kept_profile.masked_nir} et "
                f"{dup_profile.masked_nir}) : celui du compte gardé reste. Vérifiez qu'il s'agit de la même personne."
            )
        if kept_profile.birthdate and dup_profile.birthdate and kept_profile.birthdate != dup_profile.birthdate:
            conflicts.append(
                f"Dates de naissance différentes ({kept_profile.birthdate:%d/%m/%Y} et {dup_profile.birthdate:%d/%m/%Y}) : "
                "celle du compte gardé reste."
            )
    if (kept.first_name.lower(), kept.last_name.lower()) != (duplicate.first_name.lower(), duplicate.last_name.lower()):
        which = "celui certifié du doublon est pris" if carries_identity else "celui du compte gardé reste"
        conflicts.append(f"Noms différents ({kept.get_full_name()} et {duplicate.get_full_name()}) : {which}.")
    today = timezone.localdate()
    valid = Approval.objects.filter(
        job_seeker__in=[kept, duplicate], start_at__lte=today, end_at__gte=today, cancelled_at__isnull=True
    )
    if valid.filter(job_seeker=kept).exists() and valid.filter(job_seeker=duplicate).exists():
        conflicts.append(
            "Les deux comptes ont un PASS IAE valable aujourd'hui : la personne en aura deux, à régulariser avec l'équipe PASS IAE."
        )
    moves = {
        "candidatures": JobApplication.objects.filter(job_seeker=duplicate).count(),
        "diagnostics d'éligibilité": EligibilityDiagnosis.objects.filter(job_seeker=duplicate).count()
        + GEIQEligibilityDiagnosis.objects.filter(job_seeker=duplicate).count(),
        "PASS IAE": Approval.objects.filter(job_seeker=duplicate).count(),
        "consultations journalisées": AccessLog.objects.filter(holder=duplicate).count(),
        "adresses e-mail": EmailAddress.objects.filter(user=duplicate).count(),
        "liens FranceConnect / ProConnect": len(moving_links),
    }
    return MergePreview(conflicts=conflicts, moves=moves)


@transaction.atomic
def job_seekers_merge(*, acting_user, kept, duplicate) -> MergePreview:
    """Move everything of `duplicate` to `kept`, then anonymize `duplicate`. Irreversible, logged on both."""
    _check(acting_user)
    first, second = sorted([kept.pk, duplicate.pk])
    locked = {u.pk: u for u in User.objects.select_for_update().filter(pk__in=[first, second]).order_by("pk")}
    kept, duplicate = locked[kept.pk], locked[duplicate.pk]
    preview = job_seekers_merge_preview(kept=kept, duplicate=duplicate)
    JobApplication.objects.filter(job_seeker=duplicate).update(job_seeker=kept)
    EligibilityDiagnosis.objects.filter(job_seeker=duplicate).update(job_seeker=kept)
    GEIQEligibilityDiagnosis.objects.filter(job_seeker=duplicate).update(job_seeker=kept)
    Approval.objects.filter(job_seeker=duplicate).update(job_seeker=kept)
    AccessLog.objects.filter(holder=duplicate).update(holder=kept)
    # The duplicate's addresses become secondary addresses of the kept account.
    EmailAddress.objects.filter(user=duplicate).update(user=kept, primary=False)
    # The kept profile gets what it lacks (the duplicate's NIR first leaves the duplicate: it is unique).
    # FranceConnect / ProConnect: the duplicate's link moves, unless the kept account has one
    # with the same provider (a conflict of the preview): then the duplicate's is dropped.
    moving_links, dropped_links = _social_accounts_split(kept, duplicate)
    SocialAccount.objects.filter(pk__in=[a.pk for a in moving_links]).update(user=kept)
    SocialAccount.objects.filter(pk__in=[a.pk for a in dropped_links]).delete()
    kept_profile = JobSeekerProfile.objects.select_for_update().filter(user=kept).first()
    dup_profile = JobSeekerProfile.objects.select_for_update().filter(user=duplicate).first()
    if _carries_certified_identity(kept_profile, dup_profile):
        # Before the filling below: the certified birth date wins over the kept one.
        kept_profile = kept_profile or JobSeekerProfile.objects.create(user=kept)
        for name in (
            "birthdate",
            "birth_place_code",
            "birth_country_code",
            "identity_certified_by",
            "identity_certified_at",
        ):
            setattr(kept_profile, name, getattr(dup_profile, name))
        kept_profile.save()
        kept.first_name, kept.last_name = duplicate.first_name, duplicate.last_name
        kept.save(update_fields=["first_name", "last_name", "updated_at"])
    if kept_profile and dup_profile:
        fill = {
            name: getattr(dup_profile, name)
            for name in ("nir", "birthdate", "france_travail_id", "commune_id", "address_line", "education_level")
            if not getattr(kept_profile, name) and getattr(dup_profile, name)
        }
        if "nir" in fill:
            JobSeekerProfile.objects.filter(pk=dup_profile.pk).update(nir="")
            fill["lack_of_nir_reason"] = ""
        for name, value in fill.items():
            setattr(kept_profile, name, value)
        kept_profile.save()
    if not kept.phone and duplicate.phone:
        kept.phone = duplicate.phone
        kept.save(update_fields=["phone", "updated_at"])
    duplicate_label = f"{duplicate.get_full_name()} (n° {duplicate.pk})"
    user_anonymize(user=duplicate, reason=Anonymization.Reason.MERGE, by_user=acting_user)
    details = {"moves": preview.moves, "conflicts": preview.conflicts}
    _log(acting_user, StaffActionKind.JOB_SEEKERS_MERGE, kept, merged=duplicate_label, **details)
    _log(
        acting_user,
        StaffActionKind.JOB_SEEKERS_MERGE,
        duplicate,
        into=f"{kept.get_full_name()} (n° {kept.pk})",
        **details,
    )
    return preview
