"""The group fills itself: a prescriber who applies for the person or makes their diagnosis,
an employer member who hires them."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from itou.eligibility.models import EligibilityDiagnosis
from itou.followup import services
from itou.followup.models import FollowUpRole
from itou.job_applications.models import JobApplication, JobApplicationTransitionLog


@receiver(post_save, sender=JobApplication, dispatch_uid="followup_on_application")
def _on_application(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.sender_kind != "prescriber" or instance.sender is None:
        return
    services.follow(
        member=instance.sender,
        job_seeker=instance.job_seeker,
        role=FollowUpRole.EMPLOYMENT,
        prescriber_organization=instance.sender_prescriber_organization,
    )


@receiver(post_save, sender=EligibilityDiagnosis, dispatch_uid="followup_on_diagnosis")
def _on_diagnosis(sender, instance, created, raw=False, **kwargs):
    if raw or not created or not instance.author_prescriber_organization_id or instance.author is None:
        return
    services.follow(
        member=instance.author,
        job_seeker=instance.job_seeker,
        role=FollowUpRole.REFERENT,
        prescriber_organization=instance.author_prescriber_organization,
    )


@receiver(post_save, sender=JobApplicationTransitionLog, dispatch_uid="followup_on_hire")
def _on_hire(sender, instance, created, raw=False, **kwargs):
    if raw or not created or instance.transition != "accept" or instance.user is None:
        return
    job_application = instance.job_application
    services.follow(
        member=instance.user,
        job_seeker=job_application.job_seeker,
        role=FollowUpRole.EMPLOYER,
        company=job_application.to_company,
    )
