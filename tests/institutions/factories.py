import factory

from itou.geo.models import Department, Region
from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution, InstitutionMembership
from itou.users.models import User
from tests.companies.factories import ProfessionalFactory


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "84"
    name = "Auvergne-Rhône-Alpes"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = "69"
    name = "Rhône"
    region = factory.SubFactory(RegionFactory)


class InstitutionFactory(factory.django.DjangoModelFactory):
    """A DDETS IAE of the Rhône unless told otherwise; `with_member=True` adds an admin member."""

    class Meta:
        model = Institution
        skip_postgeneration_save = True

    kind = InstitutionKind.DDETS_IAE
    name = factory.LazyAttribute(lambda o: f"DDETS {o.department.name}" if o.department else "Institution")
    department = factory.SubFactory(DepartmentFactory)

    @factory.post_generation
    def with_member(obj, create, extracted, **kwargs):
        if create and extracted:
            user = extracted if isinstance(extracted, User) else ProfessionalFactory()
            InstitutionMembershipFactory(institution=obj, user=user, is_admin=True)


class InstitutionMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InstitutionMembership

    user = factory.SubFactory(ProfessionalFactory)
    institution = factory.SubFactory(InstitutionFactory)
