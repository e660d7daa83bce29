"""Every email of the control (CONTROL.md §8), plain French text with a link.

DDETS: the active members of the institution; SIAE: the active admin members. One message
per recipient. Sent in the common layout (itou.notifications.emails), queued: they leave only when the
transaction commits (itou.notifications.backends.QueuedEmailBackend).
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, translation

from itou.companies.models import CompanyMembership
from itou.institutions.models import InstitutionMembership
from itou.notifications.emails import Button, build_text_email, send_emails


def _d(day) -> str:
    with translation.override("fr"):
        return formats.date_format(day, "j F Y")


def _messages(users, *, subject: str, template: str, context: dict) -> list:
    messages = []
    with translation.override("fr"):
        for user in users:
            if not (user.is_active and user.email):
                continue
            body = render_to_string(
                f"control/emails/{template}.txt",
                {"recipient": user, "site_url": settings.SITE_URL, **context},
            )
            button = Button("Ouvrir la page du contrôle", context["url"]) if context.get("url") else None
            messages.append(
                build_text_email(subject=" ".join(subject.split()), text=body, to=user.email, button=button)
            )
    return messages


def _send(users, *, subject: str, template: str, context: dict) -> int:
    return send_emails(_messages(users, subject=subject, template=template, context=context))


def ddets_members(institution):
    return [
        m.user
        for m in InstitutionMembership.objects.filter(institution=institution, is_active=True)
        .select_related("user")
        .order_by("pk")
    ]


def siae_admins(company):
    return [
        m.user
        for m in CompanyMembership.objects.filter(company=company, is_active=True, is_admin=True)
        .select_related("user")
        .order_by("pk")
    ]


def _ddets_url(campaign):
    return settings.SITE_URL + reverse("control:ddets_campaign", args=[campaign.pk])


def _siae_url(siae):
    return settings.SITE_URL + reverse("control:siae_detail", args=[siae.pk])


def _siae_label(siae):
    return f"{siae.company.kind} {siae.company.display_name}"


def campaign_created(campaign):
    return _send(
        ddets_members(campaign.institution),
        subject="Lancement du contrôle a posteriori : Vous disposez de 4 semaines pour sélectionner votre échantillon.",
        template="campaign_created",
        context={"campaign": campaign, "url": _ddets_url(campaign)},
    )


def admins_by_company(company_ids) -> dict:
    """{company_id: [active admin users]} in one query."""
    result = {}
    memberships = (
        CompanyMembership.objects.filter(company_id__in=company_ids, is_active=True, is_admin=True)
        .select_related("user")
        .order_by("pk")
    )
    for membership in memberships:
        result.setdefault(membership.company_id, []).append(membership.user)
    return result


def drawn(campaign, siaes, auto_accepted) -> int:
    """The emails of a campaign's draw, queued at once (CONTROL.md §8): each drawn SIAE
    (or "Validation automatique" when all its hires are certified), then the DDETS."""
    admins = admins_by_company([s.company_id for s in siaes])
    messages = []
    for siae in siaes:
        users = admins.get(siae.company_id, [])
        if siae in auto_accepted:
            messages += _messages(users, **_auto_accepted_email(siae))
        else:
            messages += _messages(users, **_drawn_email(siae))
    messages += _messages(
        ddets_members(campaign.institution),
        subject="[Contrôle a posteriori] Ouverture de la phase de transmission des justificatifs",
        template="ddets_submission_opened",
        context={"campaign": campaign, "url": _ddets_url(campaign), "drawn_count": len(siaes)},
    )
    return send_emails(messages)


def _drawn_email(siae) -> dict:
    campaign = siae.campaign
    return {
        "subject": f"Contrôle a posteriori sur vos embauches réalisées du {_d(campaign.period_start)} "
        f"au {_d(campaign.period_end)}",
        "template": "siae_drawn",
        "context": {"campaign": campaign, "siae": siae, "url": _siae_url(siae)},
    }


def _auto_accepted_email(siae) -> dict:
    return {
        "subject": "Validation automatique de votre dossier de contrôle a posteriori",
        "template": "siae_auto_accepted",
        "context": {"campaign": siae.campaign, "siae": siae, "url": _siae_url(siae)},
    }


def siae_drawn(siae):
    return _send(siae_admins(siae.company), **_drawn_email(siae))


def siae_auto_accepted(siae):
    """CONTROL.md §3: every drawn hire is justified by criteria certified by the State."""
    return _send(siae_admins(siae.company), **_auto_accepted_email(siae))


def ddets_submission_opened(campaign):
    return _send(
        ddets_members(campaign.institution),
        subject="[Contrôle a posteriori] Ouverture de la phase de transmission des justificatifs",
        template="ddets_submission_opened",
        context={"campaign": campaign, "url": _ddets_url(campaign)},
    )


def siae_submitted(siae):
    return _send(
        ddets_members(siae.campaign.institution),
        subject=f"[Contrôle a posteriori] La structure {_siae_label(siae)} a transmis ses pièces justificatives.",
        template="siae_submitted",
        context={
            "siae": siae,
            "url": settings.SITE_URL + reverse("control:ddets_siae", args=[siae.pk]),
        },
    )


def siae_reminder(siae):
    return _send(
        siae_admins(siae.company),
        subject="Contrôle a posteriori des auto-prescriptions : Plus que quelques jours pour transmettre vos "
        f"justificatifs à la {siae.campaign.institution.name}",
        template="siae_reminder",
        context={"siae": siae, "campaign": siae.campaign, "url": _siae_url(siae)},
    )


def ddets_review_before_close(campaign, *, reminder=False):
    subject = (
        "[Contrôle a posteriori] Rappel : Contrôle des justificatifs à finaliser"
        if reminder
        else "[Contrôle a posteriori] Contrôle des justificatifs à réaliser avant la clôture de phase"
    )
    return _send(
        ddets_members(campaign.institution),
        subject=subject,
        template="ddets_review_reminder",
        context={"campaign": campaign, "url": _ddets_url(campaign)},
    )


def siae_result(siae, *, outcome: str):
    """outcome: accepted, adversarial, forced_adversarial, force_accepted, refused, no_response."""
    if outcome == "no_response":
        subject = f"[Contrôle a posteriori] Absence de réponse de la structure {_siae_label(siae)} ID-{siae.company_id}"
    else:
        subject = f"Résultat du contrôle - {_siae_label(siae)} ID-{siae.company_id}"
    return _send(
        siae_admins(siae.company),
        subject=subject,
        template=f"siae_result_{outcome}",
        context={"siae": siae, "campaign": siae.campaign, "url": _siae_url(siae)},
    )


def ddets_adversarial(campaign, *, forced, defaulted):
    return _send(
        ddets_members(campaign.institution),
        subject="[Contrôle a posteriori] Passage en phase contradictoire",
        template="ddets_adversarial",
        context={"campaign": campaign, "forced": forced, "defaulted": defaulted, "url": _ddets_url(campaign)},
    )


def ddets_sanctions_to_notify(campaign, refused):
    return _send(
        ddets_members(campaign.institution),
        subject="[Contrôle a posteriori] Notification des sanctions",
        template="ddets_sanctions",
        context={"campaign": campaign, "refused": refused, "url": _ddets_url(campaign)},
    )


def sanction_decision(siae, sanction):
    return _send(
        siae_admins(siae.company),
        subject="Décision de sanction",
        template="sanction_decision",
        context={"siae": siae, "sanction": sanction, "url": _siae_url(siae)},
    )
