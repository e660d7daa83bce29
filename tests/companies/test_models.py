import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from stdnum.fr import siret as stdnum_siret

from itou.companies.enums import SIAE_KINDS, CompanyKind
from itou.companies.models import SIAE_CONVENTION_GRACE_PERIOD, Company, CompanyMembership
from itou.companies.validators import clean_siret
from itou.geo.models import Commune, Department, Region
from itou.users.enums import UserKind
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory, ProfessionalFactory, siret_for

VALID_SIRET = siret_for(1)


def test_siret_factory_and_validator_agree():
    assert stdnum_siret.is_valid(VALID_SIRET)
    assert clean_siret(f"{VALID_SIRET[:3]} {VALID_SIRET[3:6]} {VALID_SIRET[6:9]} {VALID_SIRET[9:]}") == VALID_SIRET


@pytest.mark.parametrize(
    "siret,message",
    [
        ("1234567890123", "Le numéro SIRET doit comporter 14 chiffres."),
        ("1234567890123A", "Le numéro SIRET ne doit contenir que des chiffres."),
        (
            VALID_SIRET[:-1] + str((int(VALID_SIRET[-1]) + 1) % 10),
            "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres (le SIREN et le numéro d'établissement).",
        ),
    ],
)
def test_invalid_siret_is_refused_in_french(siret, message):
    company = CompanyFactory.build(siret=siret)
    with pytest.raises(ValidationError) as excinfo:
        company.full_clean()
    assert excinfo.value.message_dict["siret"] == [message]


def test_full_clean_stores_the_compact_siret():
    company = CompanyFactory.build(siret=f"{VALID_SIRET[:9]} {VALID_SIRET[9:]}")
    company.full_clean()
    assert company.siret == VALID_SIRET


def test_same_siret_is_unique_per_kind():
    CompanyFactory(siret=VALID_SIRET, kind=CompanyKind.AI)
    # An association may run an AI and an ACI on the same establishment.
    CompanyFactory(siret=VALID_SIRET, kind=CompanyKind.ACI)
    duplicate = CompanyFactory.build(siret=VALID_SIRET, kind=CompanyKind.AI)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "Un employeur de ce type existe déjà avec ce SIRET." in excinfo.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.parametrize(
    "fields",
    [{"siret": "12345"}, {"kind": "XYZ"}, {"source": "NOPE"}, {"post_code": "6900"}],
    ids=["siret", "kind", "source", "post_code"],
)
def test_database_refuses_malformed_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(**fields)


def test_kind_properties():
    assert {str(kind) for kind in SIAE_KINDS} == {"EI", "AI", "ACI", "ETTI", "EITI"}
    assert CompanyFactory.build(kind=CompanyKind.EITI).is_siae
    for kind in (CompanyKind.GEIQ, CompanyKind.EA, CompanyKind.EATT, CompanyKind.OPCS):
        assert not CompanyFactory.build(kind=kind).is_siae
    assert CompanyKind.ACI.label == "Atelier et chantier d'insertion (ACI)"


def test_display_name_prefers_brand():
    assert CompanyFactory.build(name="SAS Réemploi", brand="La Recyclerie").display_name == "La Recyclerie"
    assert CompanyFactory.build(name="SAS Réemploi", brand="").display_name == "SAS Réemploi"


def test_spontaneous_applications_open_when_date_set():
    assert not CompanyFactory.build().spontaneous_applications_open
    assert CompanyFactory.build(
        spontaneous_applications_open_since=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    ).spontaneous_applications_open


def test_active_keeps_ended_conventions_during_the_grace_period():
    today = datetime.date(2026, 6, 30)
    no_convention = CompanyFactory(kind=CompanyKind.GEIQ)
    running = CompanyFactory(convention_end_date=today + datetime.timedelta(days=100))
    in_grace = CompanyFactory(convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD)
    CompanyFactory(convention_end_date=today - SIAE_CONVENTION_GRACE_PERIOD - datetime.timedelta(days=1))
    CompanyFactory(is_active=False)
    assert set(Company.objects.active(today=today)) == {no_convention, running, in_grace}


def test_membership_is_unique_per_user_and_company():
    membership = CompanyMembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyMembership.objects.create(user=membership.user, company=membership.company)


def test_only_professionals_can_be_members():
    job_seeker = ProfessionalFactory(kind=UserKind.JOB_SEEKER)
    membership = CompanyMembership(user=job_seeker, company=CompanyFactory())
    with pytest.raises(ValidationError) as excinfo:
        membership.full_clean()
    assert excinfo.value.message_dict["user"] == ["Seul un professionnel peut être membre d'une structure."]


def test_for_member_lists_active_memberships_in_one_query(django_assert_num_queries):
    region = Region.objects.create(code="84", name="Auvergne-Rhône-Alpes")
    department = Department.objects.create(code="69", name="Rhône", region=region)
    lyon = Commune.objects.create(code="69123", name="Lyon", department=department, postal_codes=["69007"])
    user = ProfessionalFactory()
    admin_of = CompanyFactory(name="A", commune=lyon, with_member=user)
    member_of = CompanyFactory(name="B", commune=lyon)
    CompanyMembershipFactory(user=user, company=member_of, is_admin=False)
    CompanyMembershipFactory(user=user, company=CompanyFactory(name="C"), is_active=False)
    CompanyFactory(name="D", with_member=True)  # someone else's

    with django_assert_num_queries(1):
        rows = [(c, c.membership_is_admin, c.commune.name) for c in Company.objects.for_member(user)]
    assert rows == [(admin_of, True, "Lyon"), (member_of, False, "Lyon")]
