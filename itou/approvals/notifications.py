"""Emails about PASS IAE (plain French text). Called through `transaction.on_commit`."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from itou.prescribers.models import PrescriberMembership

TEMPLATE_DIR = "approvals/emails"


def _send(template: str, *, to_user, context: dict) -> bool:
    if not (to_user and to_user.is_active and to_user.email):
        return False
    context = {"recipient": to_user, "site_url": settings.SITE_URL, **context}
    with translation.override("fr"):
        subject = " ".join(render_to_string(f"{TEMPLATE_DIR}/{template}_subject.txt", context).split())
        body = render_to_string(f"{TEMPLATE_DIR}/{template}_body.txt", context)
    EmailMessage(subject=subject, body=body, to=[to_user.email]).send()
    return True


def _prescriber_members(organization):
    return [
        m.user
        for m in PrescriberMembership.objects.filter(organization=organization, is_active=True).select_related("user")
    ]


def _request_context(request) -> dict:
    return {
        "request": request,
        "approval": request.approval,
        "request_url": settings.SITE_URL + reverse("approvals:request_detail", args=[request.pk]),
        "approval_url": settings.SITE_URL + reverse("approvals:detail", args=[request.approval_id]),
        "job_seeker_url": settings.SITE_URL + reverse("approvals:job_seeker"),
    }


def prolongation_request_notify_created(request, *, reminder: bool = False) -> int:
    template = "request_reminder" if reminder else "request_created"
    return sum(
        _send(template, to_user=user, context=_request_context(request))
        for user in _prescriber_members(request.prescriber_organization)
    )


def prolongation_request_notify_outcome(request) -> int:
    context = _request_context(request)
    sent = _send("request_outcome_employer", to_user=request.declared_by, context=context)
    sent += _send("request_outcome_job_seeker", to_user=request.approval.job_seeker, context=context)
    return sent
