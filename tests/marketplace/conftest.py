"""The cast of the marketplace tests: communes around Lyon and in the Nord, the sectors,
two employers near Lyon with a published commercial profile, a buyer, an outsider buyer."""

import datetime

import pytest
from django.utils import timezone

from itou.companies.enums import CompanyKind
from itou.invitations.services import NewAccount
from itou.marketplace import services
from itou.marketplace.enums import AreaKind, BuyerKind, NeedKind, NotificationMode
from itou.marketplace.models import Sector
from itou.marketplace.sectors import sectors_load
from tests.companies.conftest import make_commune
from tests.companies.factories import CompanyFactory, siret_for
from tests.users.factories import ProfessionalFactory, StaffFactory


@pytest.fixture
def lyon():
    return make_commune("69123", "Lyon", department="69", postal_codes=["69001"], latitude=45.758, longitude=4.835)


@pytest.fixture
def venissieux():
    return make_commune(
        "69259", "Vénissieux", department="69", postal_codes=["69200"], latitude=45.6975, longitude=4.8867
    )


@pytest.fixture
def lille():
    return make_commune("59350", "Lille", department="59", postal_codes=["59000"], latitude=50.6311, longitude=3.0468)


@pytest.fixture
def sectors():
    sectors_load(Sector)
    return {sector.code: sector for sector in Sector.objects.all()}


def make_employer(
    commune, sectors, *, kind=CompanyKind.ACI, name="Les Jardins du Rhône", mode=NotificationMode.INSTANT, **profile
):
    member = ProfessionalFactory()
    company = CompanyFactory(
        kind=kind,
        name=name,
        commune=commune,
        latitude=commune.latitude,
        longitude=commune.longitude,
        with_member=member,
    )
    fields = {
        "offer": "Nettoyage de bureaux et de parties communes.",
        "area_kind": AreaKind.RADIUS,
        "radius_km": 30,
        "departments": [],
        "contact_name": "Nathalie Girard",
        "contact_email": "commercial@jardins.example",
        "contact_phone": "0478701234",
        "is_published": True,
        "notification_mode": mode,
        "can_cocontract": False,
        **profile,
    }
    services.commercial_profile_save(acting_user=member, company=company, fields=fields, sectors=sectors)
    return company, member


@pytest.fixture
def employer(venissieux, sectors):
    return make_employer(venissieux, [sectors["nettoyage-locaux"], sectors["espaces-verts"]])


@pytest.fixture
def other_employer(lille, sectors):
    return make_employer(lille, [sectors["nettoyage-locaux"]], kind=CompanyKind.EI, name="Nord Propreté")


def make_buyer(n=1, *, name="Métropole de Lyon"):
    result = services.buyer_signup(
        new_account=NewAccount(
            email=f"acheteur{n}@example.com", first_name="Claire", last_name="Martin", password="x" * 12
        ),
        siret=siret_for(n, prefix="9"),
        name=name,
        kind=BuyerKind.PUBLIC,
        commune=None,
        job_title="Acheteuse",
    )
    return result.user, result.organization


@pytest.fixture
def buyer():
    return make_buyer(1)


@pytest.fixture
def other_buyer():
    return make_buyer(2, name="Entreprise Autre")


@pytest.fixture
def staff():
    return StaffFactory()


def need_fields(**overrides):
    return {
        "title": "Nettoyage des bureaux de la mairie annexe",
        "kind": NeedKind.QUOTE,
        "deadline": timezone.localdate() + datetime.timedelta(days=20),
        "description": "Trois passages par semaine.",
        "budget_band": "lt40k",
        **overrides,
    }


def post_need(user, organization, sectors, commune, **overrides):
    return services.need_create(
        acting_user=user, organization=organization, fields=need_fields(**overrides), sectors=sectors, commune=commune
    )


@pytest.fixture
def published_need(buyer, employer, sectors, lyon, staff):
    """A need of `buyer` near Lyon, approved by staff (the buyer's first), sent to `employer`."""
    user, organization = buyer
    need = post_need(user, organization, [sectors["nettoyage-locaux"]], lyon)
    return services.need_review(acting_user=staff, need=need, approve=True)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """`commit(service, **kwargs)`: call a service as if its transaction committed (its
    emails queued), then deliver the queued emails (tests.helpers.run_pending_jobs)."""
    from tests.helpers import run_pending_jobs

    def call(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            result = function(*args, **kwargs)
        run_pending_jobs()
        return result

    return call


def demo_marketplace():
    """The demo ACI and ETTI with their admins, the support, then itou.marketplace.demo."""
    from itou.demo.world import COMPANIES, DEMO_PASSWORD, STAFF
    from itou.marketplace.demo import load_demo_marketplace

    sectors_load(Sector)
    lyon = make_commune("69123", "Lyon", department="69", postal_codes=["69007"], latitude=45.758, longitude=4.835)
    venissieux = make_commune(
        "69259", "Vénissieux", department="69", postal_codes=["69200"], latitude=45.6975, longitude=4.8867
    )
    communes = {"69123": lyon, "69259": venissieux}
    for demo in COMPANIES:
        if demo.kind not in (CompanyKind.ACI, CompanyKind.ETTI):
            continue
        admin = ProfessionalFactory(
            email=demo.admin.email,
            first_name=demo.admin.first_name,
            last_name=demo.admin.last_name,
            password=DEMO_PASSWORD,
        )
        commune = communes[demo.commune_code]
        CompanyFactory(
            kind=demo.kind,
            name=demo.name,
            brand=demo.brand,
            commune=commune,
            latitude=commune.latitude,
            longitude=commune.longitude,
            with_member=admin,
        )
    StaffFactory(email=STAFF.email)
    load_demo_marketplace()
