import factory

from itou.prescribers.enums import PrescriberOrganizationKind
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.users.models import User
from tests.companies.factories import ProfessionalFactory, siret_for


class PrescriberOrganizationFactory(factory.django.DjangoModelFactory):
    """An orienteur's organization (kind OTHER, authorization NOT_SET) unless told otherwise:
    `PrescriberOrganizationFactory(authorized=True)` is a France Travail agency,
    `with_member=True` adds an active admin member."""

    class Meta:
        model = PrescriberOrganization
        skip_postgeneration_save = True

    class Params:
        authorized = factory.Trait(
            kind=PrescriberOrganizationKind.FT, name=factory.Sequence(lambda n: f"France Travail {n}")
        )

    siret = factory.Sequence(lambda n: siret_for(n, prefix="3"))
    kind = PrescriberOrganizationKind.OTHER
    name = factory.Sequence(lambda n: f"Association Solidarité {n}")
    address_line = factory.Faker("street_address", locale="fr_FR")
    post_code = "59100"

    @factory.post_generation
    def with_member(obj, create, extracted, **kwargs):
        if create and extracted:
            user = extracted if isinstance(extracted, User) else ProfessionalFactory()
            PrescriberMembershipFactory(organization=obj, user=user, is_admin=True)


class PrescriberMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrescriberMembership

    user = factory.SubFactory(ProfessionalFactory)
    organization = factory.SubFactory(PrescriberOrganizationFactory)
