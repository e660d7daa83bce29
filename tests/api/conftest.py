import pytest
from rest_framework.test import APIClient

from itou.api import services
from itou.api.enums import TokenKind
from tests.companies.conftest import make_commune
from tests.companies.factories import CompanyFactory


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def saint_etienne():
    return make_commune(
        "42218", "Saint-Étienne", department="42", postal_codes=["42000"], latitude=45.4339, longitude=4.3903
    )


@pytest.fixture
def lyon():
    return make_commune(
        "69123", "Lyon", department="69", postal_codes=["69001", "69007"], latitude=45.758, longitude=4.835
    )


@pytest.fixture
def company(saint_etienne):
    return CompanyFactory(
        with_member=True, commune=saint_etienne, latitude=45.44, longitude=4.39, post_code="42000", name="Recyclerie"
    )


def employer_token(company, user=None):
    user = user or company.memberships.get().user
    return services.employer_token_create(acting_user=user, company=company, name="Logiciel RH")


def staff_token(kind, **kwargs):
    import datetime

    from django.utils import timezone

    from tests.users.factories import StaffFactory

    defaults = {"expires_at": timezone.now() + datetime.timedelta(days=365), "name": f"Jeton {kind}"}
    if kind == TokenKind.PARTNER:
        defaults["organization_name"] = "France Travail"
    defaults.update(kwargs)
    return services.staff_token_create(acting_user=StaffFactory(), kind=kind, **defaults)


def auth(client, new_token):
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_token.secret}")
    return client
