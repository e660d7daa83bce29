"""Emails about PASS IAE (text and HTML, one layout: itou.notifications.emails). Called
through `transaction.on_commit`."""

from django.conf import settings
from django.urls import reverse

from itou.notifications.emails import Button, send_to_user
from itou.prescribers.models import PrescriberMembership

TEMPLATE_DIR = "approvals/emails"


def _send(template: str, *, to_user, context: dict, button: Button) -> bool:
    return send_to_user(f"{TEMPLATE_DIR}/{template}", to_user=to_user, context=context, button=button)


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
    context = _request_context(request)
    return sum(
        _send(template, to_user=user, context=context, button=Button("Répondre à la demande", context["request_url"]))
        for user in _prescriber_members(request.prescriber_organization)
    )


def prolongation_request_notify_outcome(request) -> int:
    context = _request_context(request)
    sent = _send(
        "request_outcome_employer",
        to_user=request.declared_by,
        context=context,
        button=Button("Voir le PASS IAE", context["approval_url"]),
    )
    sent += _send(
        "request_outcome_job_seeker",
        to_user=request.approval.job_seeker,
        context=context,
        button=Button("Voir mon PASS IAE", context["job_seeker_url"]),
    )
    return sent
