"""Joining, leaving, auto-filling and ending follow-up memberships."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from itou.followup.models import INACTIVITY_END, EndReason, FollowUpMembership, FollowUpRole
from itou.notifications.emails import Button, send_to_user

NOT_FOUND_MESSAGE = (
    "Personne introuvable : vérifiez le numéro de sécurité sociale, ou le nom, le prénom et la date de "
    "naissance. La personne doit avoir un compte candidat sur la plateforme."
)


def _organization_fields(current_organization) -> dict:
    if not current_organization:
        return {}
    if current_organization.role == "employer":
        return {"company_id": current_organization.organization.pk}
    if current_organization.role == "prescriber":
        return {"prescriber_organization_id": current_organization.organization.pk}
    return {}


@transaction.atomic
def follow(*, member, job_seeker, role, company=None, prescriber_organization=None, now=None) -> FollowUpMembership:
    """Add `member` to the person's group, or refresh their activity if already in it."""
    now = now or timezone.now()
    if not (member.is_active and member.is_professional) or not job_seeker.is_job_seeker:
        raise PermissionDenied
    membership = (
        FollowUpMembership.objects.select_for_update()
        .filter(job_seeker=job_seeker, member=member, is_active=True)
        .first()
    )
    if membership is not None:
        membership.last_activity_at = now
        membership.save(update_fields=["last_activity_at"])
        return membership
    return FollowUpMembership.objects.create(
        job_seeker=job_seeker,
        member=member,
        role=role,
        company=company,
        prescriber_organization=prescriber_organization,
        started_at=now,
        last_activity_at=now,
    )


def join(*, acting_user, current_organization, job_seeker, role) -> FollowUpMembership:
    if not current_organization or current_organization.role not in ("employer", "prescriber"):
        raise PermissionDenied("Seuls les employeurs et les prescripteurs rejoignent un groupe de suivi.")
    if role not in FollowUpRole.values:
        raise ValidationError({"role": "Choisissez comment vous suivez cette personne."})
    fields = _organization_fields(current_organization)
    return follow(
        member=acting_user,
        job_seeker=job_seeker,
        role=role,
        company=current_organization.organization if "company_id" in fields else None,
        prescriber_organization=current_organization.organization if "prescriber_organization_id" in fields else None,
    )


@transaction.atomic
def leave(*, membership, reason=EndReason.LEFT, now=None) -> None:
    FollowUpMembership.objects.filter(pk=membership.pk, is_active=True).update(
        is_active=False, ended_at=now or timezone.now(), end_reason=reason
    )


@transaction.atomic
def request_removal(*, job_seeker, membership) -> None:
    """The person asks that a professional no longer follow them: the membership ends, the
    professional is told."""
    if membership.job_seeker_id != job_seeker.pk or not membership.is_active:
        raise PermissionDenied
    now = timezone.now()
    FollowUpMembership.objects.filter(pk=membership.pk).update(
        removal_requested_at=now, is_active=False, ended_at=now, end_reason=EndReason.REMOVED
    )
    send_to_user(
        "followup/emails/removed",
        to_user=membership.member,
        context={"job_seeker": job_seeker},
    )


def end_inactive(*, now=None) -> int:
    """Memberships without activity for 12 months end, with a notice to the professional."""
    now = now or timezone.now()
    ended = 0
    stale = FollowUpMembership.objects.filter(
        is_active=True, last_activity_at__lte=now - INACTIVITY_END
    ).select_related("member", "job_seeker")
    for membership in stale:
        with transaction.atomic():
            leave(membership=membership, reason=EndReason.INACTIVE, now=now)
            send_to_user(
                "followup/emails/inactive",
                to_user=membership.member,
                context={"job_seeker": membership.job_seeker},
                button=Button("Rejoindre à nouveau le groupe", "/suivi/rejoindre/"),
            )
            ended += 1
    return ended


@transaction.atomic
def milestone_record(*, acting_user, job_application, kind, date, note=""):
    """The employer of an accepted application records a follow-up milestone."""
    from itou.followup.models import FollowUpMilestone, MilestoneKind
    from itou.job_applications import perms

    if job_application.state != "accepted" or not perms.can_process(acting_user, job_application):
        raise PermissionDenied
    if kind not in MilestoneKind.values:
        raise ValidationError({"kind": "Choisissez un jalon."})
    if date > timezone.localdate():
        raise ValidationError({"date": "La date ne peut pas être dans le futur."})
    if job_application.hiring_start_at and date < job_application.hiring_start_at:
        raise ValidationError({"date": "La date ne peut pas précéder le début du contrat."})
    milestone = FollowUpMilestone.objects.create(
        job_application=job_application, kind=kind, date=date, note=(note or "").strip()[:1000], recorded_by=acting_user
    )
    follow(
        member=acting_user,
        job_seeker=job_application.job_seeker,
        role=FollowUpRole.EMPLOYER,
        company=job_application.to_company,
    )
    return milestone
