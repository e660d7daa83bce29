"""Factories of employers and their members."""

import factory
from allauth.mfa.models import Authenticator

from itou.companies.enums import CompanyKind, CompanySource
from itou.companies.models import Company, CompanyMembership
from itou.demo.world import make_siret
from itou.users.models import User
from tests.users.factories import ProfessionalFactory, StaffFactory


def siret_for(sequence: int, *, prefix: str = "2") -> str:
    """A valid SIRET (both Luhn keys), unique for each sequence number and prefix."""
    return make_siret(f"{prefix}{sequence % 10_000_000:07d}")


class CompanyFactory(factory.django.DjangoModelFactory):
    """`CompanyFactory(with_member=True)` adds an active admin member; `with_member=user` uses that user."""

    class Meta:
        model = Company
        skip_postgeneration_save = True

    siret = factory.Sequence(lambda n: siret_for(n, prefix="2"))
    kind = CompanyKind.ACI
    name = factory.Faker("company", locale="fr_FR")
    address_line = factory.Faker("street_address", locale="fr_FR")
    post_code = "69007"
    source = factory.LazyAttribute(
        lambda o: {
            CompanyKind.GEIQ: CompanySource.GEIQ,
            CompanyKind.EA: CompanySource.EA_EATT,
            CompanyKind.EATT: CompanySource.EA_EATT,
            CompanyKind.OPCS: CompanySource.STAFF_CREATED,
        }.get(o.kind, CompanySource.ASP)
    )

    @factory.post_generation
    def with_member(obj, create, extracted, **kwargs):
        if create and extracted:
            user = extracted if isinstance(extracted, User) else ProfessionalFactory()
            CompanyMembershipFactory(company=obj, user=user, is_admin=True)


class CompanyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMembership

    user = factory.SubFactory(ProfessionalFactory)
    company = factory.SubFactory(CompanyFactory)


def login_as_staff(client) -> User:
    """Log a superuser of the support team in, TOTP already set up (the back-office requires it)."""
    staff = StaffFactory()
    # StaffMFARequiredMiddleware only checks that a TOTP authenticator exists.
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "test"})
    client.force_login(staff)
    return staff
