import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from itou.geo.models import Commune, Department, Region
from itou.prescribers.enums import AUTHORIZED_BY_LAW_KINDS, PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.users.enums import UserKind
from tests.companies.factories import ProfessionalFactory
from tests.prescribers.factories import PrescriberMembershipFactory, PrescriberOrganizationFactory


def test_authorized_by_law_kinds():
    assert {str(kind) for kind in AUTHORIZED_BY_LAW_KINDS} == {"FT", "ML", "CAP_EMPLOI", "DEPT", "SPIP", "PJJ"}


@pytest.mark.parametrize("kind", PrescriberOrganizationKind.values)
def test_authorization_status_at_creation_depends_on_kind(kind):
    organization = PrescriberOrganizationFactory(kind=kind)
    organization.refresh_from_db()
    if kind in AUTHORIZED_BY_LAW_KINDS:
        assert organization.authorization_status == PrescriberAuthorizationStatus.VALIDATED
        assert organization.authorization_updated_at is not None
        assert organization.is_authorized
    else:
        assert organization.authorization_status == PrescriberAuthorizationStatus.NOT_SET
        assert organization.authorization_updated_at is None
        assert not organization.is_authorized


def test_an_explicit_status_is_kept_at_creation():
    organization = PrescriberOrganizationFactory(
        kind=PrescriberOrganizationKind.FT, authorization_status=PrescriberAuthorizationStatus.REFUSED
    )
    assert organization.authorization_status == PrescriberAuthorizationStatus.REFUSED


def test_a_later_change_of_status_is_not_overridden():
    organization = PrescriberOrganizationFactory(authorized=True)
    organization.authorization_status = PrescriberAuthorizationStatus.REFUSED
    organization.save()
    organization.refresh_from_db()
    assert organization.authorization_status == PrescriberAuthorizationStatus.REFUSED


def test_authorized_queryset():
    authorized = PrescriberOrganizationFactory(authorized=True)
    PrescriberOrganizationFactory()
    assert list(PrescriberOrganization.objects.authorized()) == [authorized]


def test_invalid_siret_is_refused_in_french():
    organization = PrescriberOrganizationFactory.build(siret="12345678901234")
    with pytest.raises(ValidationError) as excinfo:
        organization.full_clean()
    assert excinfo.value.message_dict["siret"] == [
        "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres (le SIREN et le numéro d'établissement)."
    ]


def test_siret_is_unique_per_kind():
    organization = PrescriberOrganizationFactory()
    PrescriberOrganizationFactory(siret=organization.siret, kind=PrescriberOrganizationKind.CCAS)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrescriberOrganizationFactory(siret=organization.siret, kind=organization.kind)


@pytest.mark.parametrize(
    "fields",
    [
        {"siret": "12345"},
        {"kind": "XYZ"},
        {"authorization_status": "MAYBE"},
        {"post_code": "ABCDE"},
        {"authorization_updated_at": None, "authorization_updated_by_id": -1},
    ],
    ids=["siret", "kind", "status", "post_code", "updated_by_without_date"],
)
def test_database_refuses_malformed_rows(fields):
    if "authorization_updated_by_id" in fields:
        fields["authorization_updated_by_id"] = ProfessionalFactory().pk
    with pytest.raises(IntegrityError), transaction.atomic():
        PrescriberOrganizationFactory(**fields)


def test_authorization_author_comes_with_a_date():
    staff = ProfessionalFactory(kind=UserKind.STAFF, is_staff=True)
    organization = PrescriberOrganizationFactory(
        authorization_updated_by=staff, authorization_updated_at=timezone.now()
    )
    assert organization.authorization_updated_by == staff


def test_membership_is_unique_and_for_professionals():
    membership = PrescriberMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        PrescriberMembership.objects.create(user=membership.user, organization=membership.organization)
    job_seeker = ProfessionalFactory(kind=UserKind.JOB_SEEKER)
    with pytest.raises(ValidationError) as excinfo:
        PrescriberMembership(user=job_seeker, organization=membership.organization).full_clean()
    assert excinfo.value.message_dict["user"] == ["Seul un professionnel peut être membre d'une organisation."]


def test_for_member_lists_active_memberships_in_one_query(django_assert_num_queries):
    region = Region.objects.create(code="32", name="Hauts-de-France")
    department = Department.objects.create(code="59", name="Nord", region=region)
    roubaix = Commune.objects.create(code="59512", name="Roubaix", department=department, postal_codes=["59100"])
    user = ProfessionalFactory()
    admin_of = PrescriberOrganizationFactory(name="A", commune=roubaix, with_member=user)
    member_of = PrescriberOrganizationFactory(name="B", authorized=True)
    PrescriberMembershipFactory(user=user, organization=member_of, is_admin=False)
    PrescriberMembershipFactory(user=user, organization=PrescriberOrganizationFactory(name="C"), is_active=False)
    PrescriberOrganizationFactory(name="D", with_member=True)

    with django_assert_num_queries(1):
        rows = [
            (o, o.membership_is_admin, o.is_authorized, o.commune and o.commune.name)
            for o in PrescriberOrganization.objects.for_member(user)
        ]
    assert rows == [(admin_of, True, False, "Roubaix"), (member_of, False, True, None)]
