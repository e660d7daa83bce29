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
    for name, value in user_fields.items():
        setattr(user, name, value)
    user.save(update_fields=[*user_fields.keys(), "updated_at"] if user_fields else None)
    profile, _ = JobSeekerProfile.objects.get_or_create(user=user)
    for name, value in profile_fields.items():
        setattr(profile, name, value)
    profile.full_clean(exclude=["user"])
    profile.save()
    return user
