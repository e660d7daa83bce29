import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution, InstitutionMembership
from itou.users.enums import UserKind
from tests.companies.factories import ProfessionalFactory
from tests.institutions.factories import (
    DepartmentFactory,
    InstitutionFactory,
    InstitutionMembershipFactory,
    RegionFactory,
)


@pytest.mark.parametrize("kind", [InstitutionKind.DDETS_IAE, InstitutionKind.DDETS_GEIQ])
def test_ddets_needs_a_department_and_no_region(kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=kind, department=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=kind, region=RegionFactory())
    assert InstitutionFactory(kind=kind).is_departmental


@pytest.mark.parametrize("kind", [InstitutionKind.DREETS_IAE, InstitutionKind.DREETS_GEIQ])
def test_dreets_needs_a_region_and_no_department(kind):
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=kind, department=None, region=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=kind, region=RegionFactory())
    assert InstitutionFactory(kind=kind, department=None, region=RegionFactory()).is_regional


def test_dgefp_is_national_and_unique():
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=InstitutionKind.DGEFP_IAE)
    assert InstitutionFactory(kind=InstitutionKind.DGEFP_IAE, department=None).is_national
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=InstitutionKind.DGEFP_IAE, department=None)


def test_full_clean_explains_the_area_rule_in_french():
    institution = InstitutionFactory.build(kind=InstitutionKind.DDETS_IAE, department=None)
    with pytest.raises(ValidationError) as excinfo:
        institution.full_clean()
    assert "Une DDETS est rattachée à un département (et pas à une région)." in excinfo.value.messages


def test_one_institution_of_a_kind_per_area():
    InstitutionFactory()
    InstitutionFactory(kind=InstitutionKind.DDETS_GEIQ)
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory()
    InstitutionFactory(kind=InstitutionKind.DREETS_IAE, department=None, region=RegionFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionFactory(kind=InstitutionKind.DREETS_IAE, department=None, region=RegionFactory())


def test_membership_is_unique_and_for_professionals():
    membership = InstitutionMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        InstitutionMembership.objects.create(user=membership.user, institution=membership.institution)
    job_seeker = ProfessionalFactory(kind=UserKind.JOB_SEEKER)
    with pytest.raises(ValidationError) as excinfo:
        InstitutionMembership(user=job_seeker, institution=membership.institution).full_clean()
    assert excinfo.value.message_dict["user"] == ["Seul un professionnel peut être membre d'une institution."]


def test_for_member_lists_active_memberships_in_one_query(django_assert_num_queries):
    user = ProfessionalFactory()
    ddets = InstitutionFactory(name="A", with_member=user)
    nord = DepartmentFactory(code="59", name="Nord", region=RegionFactory(code="32", name="Hauts-de-France"))
    other = InstitutionFactory(name="B", department=nord)
    InstitutionMembershipFactory(user=user, institution=other, is_active=False)
    dreets = InstitutionFactory(name="C", kind=InstitutionKind.DREETS_IAE, department=None, region=RegionFactory())
    InstitutionMembershipFactory(user=user, institution=dreets)
    InstitutionFactory(name="D", kind=InstitutionKind.DDETS_GEIQ, with_member=True)

    with django_assert_num_queries(1):
        rows = [
            (i, i.membership_is_admin, i.department and i.department.name, i.region and i.region.name)
            for i in Institution.objects.for_member(user)
        ]
    assert rows == [(ddets, True, "Rhône", None), (dreets, False, None, "Auvergne-Rhône-Alpes")]
