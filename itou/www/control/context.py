"""The control card of the dashboard: what is asked of the SIAE and by when, or what
waits for the DDETS. Used by control/includes/dashboard_card.html."""

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from itou.control.enums import CampaignPhase
from itou.control.models import Campaign, ControlledSiae
from itou.control.queries import active_suspensions, self_prescription_blocker
from itou.institutions.enums import InstitutionKind
from itou.organizations.current import Role

OPEN_PHASES = [CampaignPhase.AMICABLE, CampaignPhase.AMICABLE_FROZEN, CampaignPhase.ADVERSARIAL]


def dashboard_card(request) -> dict:
    """{"control_card": {...}} or {} — one query."""
    current = request.current_organization
    if not current:
        return {}
    if current.role == Role.EMPLOYER:
        today = timezone.localdate()
        active = active_suspensions(today).filter(controlled_siae__company=OuterRef("company"))
        siae = (
            ControlledSiae.objects.filter(company=current.organization)
            .exclude(campaign__phase=CampaignPhase.SAMPLING)
            .annotate(suspended=Exists(active))
            .select_related("campaign__institution")
            .order_by("-campaign__period_end")
            .first()
        )
        if siae is None:
            return {}
        if siae.suspended:  # CONTROL.md §7: the dashboard says it too (a second query, rare)
            return {
                "control_card": {
                    "url": reverse("control:siae_detail", args=[siae.pk]),
                    "title": "Auto-prescription suspendue",
                    "desc": self_prescription_blocker(current.organization, today),
                    "badge": "",
                    "warning": True,
                }
            }
        if siae.final_state:
            return {}
        campaign = siae.campaign
        if campaign.phase in (CampaignPhase.AMICABLE, CampaignPhase.ADVERSARIAL) and not siae.submission_frozen_at:
            desc = (
                f"{campaign.institution.name} contrôle {siae.hire_count} de vos auto-prescriptions : déposez un "
                f"justificatif par critère et transmettez-les avant le {campaign.current_deadline:%d/%m/%Y}."
            )
            warning = True
        else:
            desc = f"{campaign.institution.name} contrôle vos auto-prescriptions ({campaign.get_phase_display()})."
            warning = False
        return {
            "control_card": {
                "url": reverse("control:siae_detail", args=[siae.pk]),
                "title": "Contrôle a posteriori",
                "desc": desc,
                "badge": f"avant le {campaign.current_deadline:%d/%m/%Y}" if warning else "",
                "warning": warning,
            }
        }
    if current.role == Role.LABOR_INSPECTOR and current.organization.kind == InstitutionKind.DDETS_IAE:
        campaign = Campaign.objects.filter(institution=current.organization).order_by("-period_end").first()
        if campaign is None:
            return {}
        return {
            "control_card": {
                "url": reverse("control:ddets_campaign", args=[campaign.pk]),
                "title": "Contrôle a posteriori",
                "desc": f"{campaign.name[:1].upper()}{campaign.name[1:]} — {campaign.get_phase_display()}.",
                "badge": f"jusqu'au {campaign.current_deadline:%d/%m/%Y}",
                "warning": campaign.phase == CampaignPhase.SAMPLING,
            }
        }
    return {}
