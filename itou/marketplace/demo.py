"""The marketplace of the demo world (docs/monde-de-demo.md, docs/marche.md): commercial
profiles for the demo ACI and ETTI near Lyon (« Nettoyage de locaux »…), a demo buyer
(the Métropole de Lyon's purchasing department) and its needs — one closed as won by the
ACI, one abandoned, one open — with the employers' answers, through the services (the
emails land in the dev mailbox), the older ones dated back.

Called by itou.demo.world.load_demo. Idempotent: what exists is left alone.
"""

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.companies.models import Company
from itou.geo.models import Commune
from itou.invitations.services import NewAccount
from itou.marketplace import services
from itou.marketplace.enums import (
    AreaKind,
    BudgetBand,
    BuyerKind,
    NeedKind,
    NeedOutcome,
    NeedStatus,
    NotificationMode,
    TurnoverBand,
)
from itou.marketplace.models import BuyerOrganization, CommercialProfile, Need, Sector
from itou.marketplace.sectors import sectors_load
from itou.users.models import User

DEMO_BUYER_LOCAL_PART = "acheteur"
DEMO_BUYER_NAME = ("Claire", "Martin")
DEMO_BUYER_ORGANIZATION = "Métropole de Lyon — direction de la commande publique"
DEMO_BUYER_SIREN_BASE = "20004697"

PROFILES = {
    CompanyKind.ACI: {
        "sectors": ["nettoyage-locaux", "espaces-verts", "agriculture-maraichage"],
        "offer": "Entretien d'espaces verts, nettoyage de locaux et paniers de légumes bio pour les entreprises "
        "et les collectivités de l'est lyonnais. Équipes encadrées, matériel fourni.",
        "radius_km": 40,
        "staff_count": 35,
        "turnover_band": TurnoverBand.UNDER_2M,
        "labels": "Label Agriculture biologique",
        "references": "Ville de Vénissieux : entretien des parcs (depuis 2021).\n"
        "Bailleur social Est Métropole Habitat : nettoyage des parties communes de 12 résidences.",
        "can_cocontract": True,
    },
    CompanyKind.ETTI: {
        "sectors": ["nettoyage-locaux", "logistique-entreposage", "mise-a-disposition"],
        "offer": "Mise à disposition de personnel pour le nettoyage de locaux, la logistique et la restauration "
        "collective, partout dans le Rhône.",
        "radius_km": 50,
        "staff_count": 120,
        "turnover_band": TurnoverBand.UNDER_10M,
        "labels": "",
        "references": "Hospices civils de Lyon : agents d'entretien en renfort (2023-2025).",
        "can_cocontract": False,
    },
}


def _demo_company(kind, admin_email: str):
    return (
        Company.objects.filter(kind=kind, memberships__user__email=admin_email, memberships__is_admin=True)
        .order_by("pk")
        .first()
    )


def load_demo_marketplace() -> int:
    """Rows created (profiles, buyer, need); 0 when everything exists."""
    from itou.demo.world import COMPANIES, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, LYON, STAFF, make_siret

    sectors_load(Sector)  # the reference list (idempotent): the demo's profiles and need use it
    created = 0
    for demo in COMPANIES:
        if demo.kind not in PROFILES:
            continue
        company = _demo_company(demo.kind, demo.admin.email)
        admin = User.objects.filter(email=demo.admin.email).first()
        if company is None or admin is None or CommercialProfile.objects.filter(company=company).exists():
            continue
        spec = dict(PROFILES[demo.kind])
        sectors = list(Sector.objects.filter(code__in=spec.pop("sectors")))
        services.commercial_profile_save(
            acting_user=admin,
            company=company,
            fields={
                **spec,
                "area_kind": AreaKind.RADIUS,
                "departments": [],
                "contact_name": demo.admin.full_name,
                "contact_email": demo.admin.email,
                "contact_phone": demo.admin.phone,
                "is_published": True,
                "notification_mode": NotificationMode.INSTANT,
            },
            sectors=sectors,
        )
        created += 1

    email = f"{DEMO_BUYER_LOCAL_PART}@{DEMO_EMAIL_DOMAIN}"
    if not User.objects.filter(email=email).exists():
        result = services.buyer_signup(
            new_account=NewAccount(
                email=email, first_name=DEMO_BUYER_NAME[0], last_name=DEMO_BUYER_NAME[1], password=DEMO_PASSWORD
            ),
            siret=make_siret(DEMO_BUYER_SIREN_BASE),
            name=DEMO_BUYER_ORGANIZATION,
            kind=BuyerKind.PUBLIC,
            commune=Commune.objects.filter(code=LYON).first(),
            job_title="Acheteuse",
        )
        EmailAddress.objects.filter(user=result.user).update(verified=True)
        created += 1
    buyer = User.objects.get(email=email)
    organization = BuyerOrganization.objects.filter(memberships__user=buyer).first()
    staff = User.objects.filter(email=STAFF.email).first()
    commune = Commune.objects.filter(code=LYON).first()
    if organization and staff and commune:
        created += _showroom_needs(buyer, organization, staff, commune)
    return created


# The demo buyer's needs, oldest first: (title, sectors, days ago, budget, description,
# answers of the demo ACI and ETTI (None: no answer), outcome). Sent through the services,
# then dated back: the buyer's list shows needs in several states, with answers.
SHOWROOM = [
    (
        "Nettoyage quotidien de l'hôtel de ville annexe",
        ["nettoyage-locaux"],
        75,
        BudgetBand.UNDER_40K,
        "Nettoyage quotidien de 1 200 m² de bureaux et des sanitaires, du lundi au vendredi, pour un an.",
        {CompanyKind.ACI: True, CompanyKind.ETTI: False},
        NeedOutcome.WON,
    ),
    (
        "Renfort logistique pour l'inventaire des archives municipales",
        ["logistique-entreposage"],
        45,
        BudgetBand.UNDER_5K,
        "Trois personnes pendant une semaine pour déplacer et étiqueter 2 000 cartons d'archives.",
        {CompanyKind.ETTI: True},
        NeedOutcome.ABANDONED,
    ),
    (
        "Entretien des espaces verts du parc de Gerland",
        ["espaces-verts"],
        0,
        BudgetBand.UNDER_40K,
        "Tonte, taille des haies et ramassage des feuilles, deux passages par mois d'avril à octobre. Merci "
        "d'indiquer vos références et le nombre de personnes mobilisées.",
        {CompanyKind.ACI: True},
        None,
    ),
]


def _showroom_needs(buyer, organization, staff, commune) -> int:
    from itou.demo.world import COMPANIES

    admins = {
        demo.kind: (_demo_company(demo.kind, demo.admin.email), User.objects.filter(email=demo.admin.email).first())
        for demo in COMPANIES
        if demo.kind in PROFILES
    }
    created = 0
    for title, codes, days_ago, budget, description, answers, outcome in SHOWROOM:
        if organization.needs.filter(title=title).exists():
            continue
        need = services.need_create(
            acting_user=buyer,
            organization=organization,
            fields={
                "title": title,
                "kind": NeedKind.QUOTE,
                "deadline": timezone.localdate() + datetime.timedelta(days=30),
                "description": description,
                "budget_band": budget,
            },
            sectors=list(Sector.objects.filter(code__in=codes)),
            commune=commune,
        )
        if need.status == NeedStatus.PENDING_REVIEW:  # the buyer's first need
            need = services.need_review(acting_user=staff, need=need, approve=True)
        created += 1
        for kind, interested in answers.items():
            company, admin = admins.get(kind, (None, None))
            recipient = need.recipients.filter(company=company).first()
            if recipient is None or admin is None:
                continue
            services.need_answer(
                acting_user=admin,
                recipient=recipient,
                interested=interested,
                message="Nous avons une équipe disponible et des références similaires : devis sous 48 heures."
                if interested
                else "",
            )
        if outcome is not None:
            winner = admins[CompanyKind.ACI][0] if outcome == NeedOutcome.WON else None
            services.need_close(
                acting_user=buyer,
                need=need,
                outcome=outcome,
                winner=winner,
                amount=24_000 if outcome == NeedOutcome.WON else None,
            )
        if days_ago:  # dated back: posted then, answered within days, closed after the deadline
            posted = timezone.now() - datetime.timedelta(days=days_ago)
            Need.objects.filter(pk=need.pk).update(
                created_at=posted,
                published_at=posted,
                deadline=posted.date() + datetime.timedelta(days=21),
                closed_at=posted + datetime.timedelta(days=28) if outcome else None,
            )
            need.recipients.update(created_at=posted)
            need.recipients.exclude(answered_at=None).update(answered_at=posted + datetime.timedelta(days=3))
    return created
