from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.urls import reverse
from stdnum.fr import nir as stdnum_nir
from stdnum.fr import siret as stdnum_siret

from itou.companies.enums import CompanyKind
from itou.companies.models import Company, CompanyMembership
from itou.demo import world as demo
from itou.geo.models import Commune
from itou.institutions.enums import InstitutionKind
from itou.institutions.models import Institution, InstitutionMembership
from itou.prescribers.enums import PrescriberAuthorizationStatus, PrescriberOrganizationKind
from itou.prescribers.models import PrescriberMembership, PrescriberOrganization
from itou.users.enums import UserKind
from itou.users.models import JobSeekerProfile, User

MODELS = [
    User,
    EmailAddress,
    JobSeekerProfile,
    Company,
    CompanyMembership,
    PrescriberOrganization,
    PrescriberMembership,
    Institution,
    InstitutionMembership,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_requires_the_communes():
    message = "Les communes ne sont pas importées : lancez d'abord `manage.py import_geo`"
    with pytest.raises(CommandError, match=message):
        load()
    assert User.objects.count() == 0


def test_names_the_missing_communes(demo_communes):
    Commune.objects.filter(code=demo.ROUBAIX).delete()
    with pytest.raises(CommandError, match="communes 59512"):
        load()
    assert Company.objects.count() == 0  # one transaction: nothing half-built


def test_running_twice_changes_nothing(demo_communes):
    first_output = load()
    after_first = counts()
    snapshot = {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS}
    updated_at = sorted(Company.objects.values_list("updated_at", flat=True))

    second_output = load()
    assert counts() == after_first
    assert {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in MODELS} == snapshot
    assert sorted(Company.objects.values_list("updated_at", flat=True)) == updated_at
    # 19 declared accounts, plus what the services create: a member and a second admin of
    # the ACI, a person asking to join the Mission locale, the CHRS waiting for its authorization.
    assert after_first == {
        "User": 37,  # + 3 employees under control (itou/control/demo.py), + 5 of itou/backoffice/demo.py, + the buyer
        "EmailAddress": 34,
        "JobSeekerProfile": 17,  # 6 applicants + 5 employees with a PASS IAE + 3 under control + 3 (back-office)
        "Company": 20,  # 8 with members + 12 of the sample official list, waiting for signup
        "CompanyMembership": 10,
        "PrescriberOrganization": 4,
        "PrescriberMembership": 4,
        "Institution": 1,
        "InstitutionMembership": 1,
    }
    assert "Monde de démonstration mis à jour." in first_output
    assert "employeurs : 8 (8 créé(s), 0 mis à jour, 0 inchangé(s))" in first_output
    assert "Monde de démonstration déjà à jour, rien n'a changé." in second_output
    assert demo.DEMO_PASSWORD in second_output


def test_restores_what_was_changed_but_keeps_user_choices(demo_communes):
    load()
    company = Company.objects.get(
        kind=CompanyKind.ACI, memberships__is_admin=True, memberships__user__email="employeur.aci@inclusion-demo.fr"
    )
    company.name = "Nom modifié"
    company.spontaneous_applications_open_since = None
    company.save()
    user = User.objects.get(email="employeur.aci@inclusion-demo.fr")
    user.set_password("Un-autre-mot-de-passe-2026")
    user.save()

    output = load()
    company.refresh_from_db()
    user.refresh_from_db()
    assert company.name == "Association Les Jardins du Rhône"
    assert company.spontaneous_applications_open_since is None  # the employer closed them: kept
    assert "employeurs : 8 (0 créé(s), 1 mis à jour, 7 inchangé(s))" in output
    assert not user.check_password(demo.DEMO_PASSWORD)

    load("--reset-passwords")
    user.refresh_from_db()
    assert user.check_password(demo.DEMO_PASSWORD)


def test_the_demo_world(demo_communes):
    load()
    # One employer of every kind but OPCS, in the three departments.
    with_members = Company.objects.filter(memberships__isnull=False).distinct()
    assert sorted(with_members.values_list("kind", flat=True)) == sorted(set(CompanyKind.values) - {"OPCS"})
    # The sample official list: structures without members, for the employer signup.
    assert Company.objects.filter(memberships__isnull=True).exclude(official_email="").count() == 12
    assert set(Company.objects.values_list("commune__department", flat=True)) == {"59", "69", "93"}
    assert all(stdnum_siret.is_valid(siret) for siret in Company.objects.values_list("siret", flat=True))
    assert all(c.post_code in c.commune.postal_codes for c in Company.objects.select_related("commune"))
    # Organizations authorized by law, and an orienteur.
    statuses = dict(PrescriberOrganization.objects.values_list("kind", "authorization_status"))
    assert statuses == {
        PrescriberOrganizationKind.FT: PrescriberAuthorizationStatus.VALIDATED,
        PrescriberOrganizationKind.ML: PrescriberAuthorizationStatus.VALIDATED,
        PrescriberOrganizationKind.OTHER: PrescriberAuthorizationStatus.NOT_SET,
        PrescriberOrganizationKind.CHRS: PrescriberAuthorizationStatus.NOT_SET,
    }
    assert all(stdnum_siret.is_valid(siret) for siret in PrescriberOrganization.objects.values_list("siret", flat=True))
    ddets = Institution.objects.get()
    assert (ddets.kind, ddets.department_id) == (InstitutionKind.DDETS_IAE, "69")
    # Every organization has an active admin member (but the official list's structures).
    for queryset in (with_members, PrescriberOrganization.objects.all(), Institution.objects.all()):
        for organization in queryset:
            assert organization.memberships.filter(is_admin=True, is_active=True, user__kind=UserKind.PROFESSIONAL)
    # Job seekers with complete profiles and valid NIRs matching their birthdate.
    from itou.backoffice.demo import DUPLICATES, LEAVING

    backoffice_people = [f"{data[0]}@inclusion-demo.fr" for data in (*DUPLICATES, LEAVING)]
    profiles = JobSeekerProfile.objects.select_related("user").exclude(user__email__in=backoffice_people)
    assert len(profiles) == 14
    for profile in profiles:
        assert profile.missing_fields == []
        assert stdnum_nir.is_valid(profile.nir)
        assert profile.nir[1:5] == profile.birthdate.strftime("%y%m")
        assert profile.france_travail_id and profile.user.phone
    staff = User.objects.get(email="support@inclusion-demo.fr")
    assert (staff.kind, staff.is_staff, staff.is_superuser) == (UserKind.STAFF, True, True)


def test_constants_hold_valid_identifiers():
    for organization in (*demo.COMPANIES, *demo.PRESCRIBERS):
        assert stdnum_siret.is_valid(organization.siret)
    assert len({o.siret for o in (*demo.COMPANIES, *demo.PRESCRIBERS)}) == len(demo.COMPANIES) + len(demo.PRESCRIBERS)
    for job_seeker in demo.JOB_SEEKERS:
        assert stdnum_nir.is_valid(job_seeker.nir)
    assert len(demo.DEMO_PASSWORD) >= 12


def test_demo_accounts_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        accounts = demo.demo_accounts()
    assert len(accounts) == 27
    assert len({account["email"] for account in accounts}) == 27
    roles = [account["role"] for account in accounts]
    assert "Employeur — ACI Les Jardins du Rhône" in roles
    assert "Employeur — GEIQ BTP Métropole lilloise" in roles
    assert "Prescripteur habilité — France Travail Lyon Part-Dieu" in roles
    assert "Orienteur — Association Le Relais d'Aubervilliers" in roles
    assert "Inspecteur du travail — DDETS du Rhône" in roles
    assert roles.count("Candidat") + roles.count("Candidate") == 6
    assert roles[-1] == "Équipe support"
    assert accounts[-1]["email"] == "support@inclusion-demo.fr"
    assert all(set(account) == {"email", "label", "role"} for account in accounts)


def test_every_demo_account_can_log_in(demo_communes, client, settings):
    settings.ACCOUNT_RATE_LIMITS = False  # 19 logins in a row from the same address
    load()
    for account in demo.demo_accounts():
        client.logout()
        response = client.post(reverse("account_login"), {"login": account["email"], "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, account["email"]
        user = User.objects.get(email=account["email"])
        assert client.session["_auth_user_id"] == str(user.pk), account["email"]
        if user.is_staff:
            # Staff are then sent to set up TOTP before anything else.
            response = client.get(response["Location"])
            assert response.status_code == 302
            assert response["Location"] == reverse("mfa_activate_totp")
