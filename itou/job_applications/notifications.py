"""The emails of an application's life, with a button to its page (text and HTML, one
layout: itou.notifications.emails).

The project's backend (itou.notifications.backends.QueuedEmailBackend) queues them only
when the current transaction commits: called inside a service's transaction, nothing leaves if
it rolls back. Services call them through `transaction.on_commit` so that they are
not even rendered then. One message per recipient: nobody sees another's address.

Who gets what (docs/candidatures.md):
- creation: the active members of the receiving employer who want it (each member may
  opt out per job description and of spontaneous applications: NewApplicationNotificationOptOut),
  an acknowledgment to the sender, and the job seeker when someone else applied for them;
- each decision (process, postpone, pool, prior action, accept, refuse, cancel, new
  contract dates, transfer): the job seeker and the prescriber who sent it; the refusal
  reason reaches the job seeker only when the employer chose to share it;
- a transfer: also the members of the employer that receives it (it arrives there as a
  spontaneous application: those who opted out of spontaneous applications are not told);
- idle applications: a reminder to the employer's members and to the prescriber.
"""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse

from itou.companies.models import CompanyMembership, JobDescription
from itou.job_applications.enums import SenderKind
from itou.job_applications.models import AUTO_REFUSE_AFTER, IDLE_REMINDER_AFTER, NewApplicationNotificationOptOut
from itou.notifications.emails import Button, send_to_user

TEMPLATE_DIR = "job_applications/emails"


class Recipient:
    JOB_SEEKER = "job_seeker"
    PRESCRIBER = "prescriber"
    EMPLOYER = "employer"


def detail_url(job_application) -> str:
    return settings.SITE_URL + reverse("applications:detail", args=[job_application.pk])


def _send(template: str, *, to_user, context: dict, button: Button | None = None) -> bool:
    context = {
        "idle_weeks": IDLE_REMINDER_AFTER.days // 7,
        "auto_refuse_days": AUTO_REFUSE_AFTER.days,
        **context,
    }
    if button is None and "url" in context:
        button = Button("Voir la candidature", context["url"])
    return send_to_user(f"{TEMPLATE_DIR}/{template}", to_user=to_user, context=context, button=button)


def _company_members(company_id, *, exclude_user_id=None):
    members = [
        membership.user
        for membership in CompanyMembership.objects.filter(company_id=company_id, is_active=True)
        .select_related("user")
        .order_by("pk")
    ]
    return [user for user in members if user.pk != exclude_user_id]


def _new_application_recipients(company_id, *, job_description_ids, exclude_user_id=None):
    """The active members of the employer who want the "new application" email (one query).

    A member is told unless they opted out of every selected job description; of a
    spontaneous application (no job description), unless they opted out of spontaneous
    applications. No opt-out row: told of everything (the default).
    """
    opt_outs = NewApplicationNotificationOptOut.objects.filter(membership=OuterRef("pk"))
    memberships = CompanyMembership.objects.filter(company_id=company_id, is_active=True)
    if job_description_ids:
        # At least one selected job description that this member did not opt out of.
        wanted_jobs = JobDescription.objects.filter(pk__in=job_description_ids).exclude(
            Exists(
                NewApplicationNotificationOptOut.objects.filter(
                    membership=OuterRef(OuterRef("pk")), job_description=OuterRef("pk")
                )
            )
        )
        memberships = memberships.filter(Exists(wanted_jobs))
    else:
        memberships = memberships.exclude(Exists(opt_outs.filter(job_description__isnull=True)))
    if exclude_user_id is not None:
        memberships = memberships.exclude(user_id=exclude_user_id)
    return [membership.user for membership in memberships.select_related("user").order_by("pk")]


def _prescriber(job_application):
    """The prescriber who sent the application (the person, not the whole organization)."""
    if job_application.sender_kind == SenderKind.PRESCRIBER:
        return job_application.sender
    return None


def _base_context(job_application) -> dict:
    return {
        "job_application": job_application,
        "job_seeker": job_application.job_seeker,
        "company": job_application.to_company,
        "url": detail_url(job_application),
        "jobs": list(job_application.selected_jobs.all()),
    }


def job_application_notify_created(job_application) -> None:
    """Tell the receiving employer (its members who did not opt out: _new_application_recipients),
    acknowledge to the sender, inform the job seeker.

    For the apply flow: call it inside the creation transaction (emails leave on commit).
    """
    context = _base_context(job_application)
    sender_kind = job_application.sender_kind
    exclude = job_application.sender_id if sender_kind == SenderKind.EMPLOYER else None
    recipients = _new_application_recipients(
        job_application.to_company_id,
        job_description_ids=[job.pk for job in context["jobs"]],
        exclude_user_id=exclude,
    )
    for member in recipients:
        _send("created_employer", to_user=member, context={**context, "recipient_role": Recipient.EMPLOYER})
    if sender_kind == SenderKind.PRESCRIBER:
        _send(
            "created_sender",
            to_user=job_application.sender,
            context={**context, "recipient_role": Recipient.PRESCRIBER},
        )
    if sender_kind == SenderKind.JOB_SEEKER:
        _send(
            "created_sender",
            to_user=job_application.job_seeker,
            context={**context, "recipient_role": Recipient.JOB_SEEKER},
        )
    else:
        # Someone applied for the job seeker: they are told who and where.
        _send(
            "created_job_seeker",
            to_user=job_application.job_seeker,
            context={**context, "recipient_role": Recipient.JOB_SEEKER},
        )


def job_application_notify_decision(job_application, *, transition: str, details: dict) -> None:
    """A decision of the employer (or of the platform) to the job seeker and the prescriber.

    `transition` names the template (process, postpone, add_to_pool, move_to_prior_to_hire,
    accept, refuse, cancel, update_hiring_start, transfer); `details` is what the log row
    carries (reason, answers, dates…).
    """
    context = {**_base_context(job_application), "details": details, "transition": transition}
    if transition == "refuse":
        context["refusal_reason"] = job_application.get_refusal_reason_display()
    job_seeker_context = {**context, "recipient_role": Recipient.JOB_SEEKER}
    if transition == "refuse" and not job_application.refusal_reason_shared_with_job_seeker:
        job_seeker_context["refusal_reason"] = ""
    _send(transition, to_user=job_application.job_seeker, context=job_seeker_context)
    prescriber = _prescriber(job_application)
    if prescriber and prescriber.pk != job_application.job_seeker_id:
        _send(transition, to_user=prescriber, context={**context, "recipient_role": Recipient.PRESCRIBER})


def job_application_notify_transfer(job_application, *, from_company, acting_user) -> None:
    """The new employer's members learn of a new application; the job seeker and the prescriber
    learn where it went."""
    context = {**_base_context(job_application), "from_company": from_company, "transferred": True}
    recipients = _new_application_recipients(
        job_application.to_company_id,
        job_description_ids=[job.pk for job in context["jobs"]],
        exclude_user_id=acting_user.pk,
    )
    for member in recipients:
        _send("created_employer", to_user=member, context={**context, "recipient_role": Recipient.EMPLOYER})
    job_application_notify_decision(
        job_application, transition="transfer", details={"from_company": from_company.display_name}
    )


def job_application_notify_idle_to_employer(company, job_applications) -> int:
    """One reminder per member listing the applications waiting for an answer."""
    context = {
        "company": company,
        "job_applications": [(ja, detail_url(ja)) for ja in job_applications],
        "inbox_url": settings.SITE_URL + reverse("applications:company_list"),
        "recipient_role": Recipient.EMPLOYER,
    }
    button = Button("Voir les candidatures reçues", context["inbox_url"])
    return sum(
        _send("idle_employer", to_user=member, context=context, button=button)
        for member in _company_members(company.pk)
    )


def job_application_notify_idle_to_prescriber(prescriber, job_applications) -> int:
    context = {
        "job_applications": [(ja, detail_url(ja)) for ja in job_applications],
        "recipient_role": Recipient.PRESCRIBER,
    }
    button = Button("Voir les candidatures envoyées", reverse("applications:prescriber_list"))
    return int(_send("idle_prescriber", to_user=prescriber, context=context, button=button))
