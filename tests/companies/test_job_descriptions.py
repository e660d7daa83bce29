"""Services of itou.companies.job_descriptions: permissions, bad input, stale pages, the daily closing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from itou.companies import job_descriptions as services
from itou.companies.enums import CompanyKind, CompanySource, ContractType
from itou.companies.models import Company, CompanyMembership, JobDescription
from tests.companies.conftest import make_appellation
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory, siret_for
from tests.helpers import assert_in_email_layout, last_email_to, run_pending_jobs
from tests.users.factories import ProfessionalFactory


@pytest.fixture
def employer():
    return ProfessionalFactory(first_name="Nathalie")


@pytest.fixture
def company(employer, lyon):
    return CompanyFactory(kind=CompanyKind.ACI, with_member=employer, commune=lyon, post_code="69007")


def create(user, company, **overrides):
    kwargs = {"appellation_code": "11573", "contract_type": ContractType.FIXED_TERM_I} | overrides
    return services.job_description_create(acting_user=user, company=company, **kwargs)


def make_job(company, **fields):
    return JobDescription.objects.create(
        company=company,
        appellation_id=fields.pop("appellation_id", "11573"),
        contract_type=fields.pop("contract_type", ContractType.FIXED_TERM_I),
        **fields,
    )


def set_updated_at(job_description, when):
    JobDescription.objects.filter(pk=job_description.pk).update(updated_at=when)


# ---------------------------------------------------------------------------- create / update


def test_create_copies_the_company_commune_coordinates_and_ranks_last(employer, company, boulanger):
    first = create(employer, company, hours_per_week=26, open_positions=3)
    second = create(employer, company, custom_title="Boulanger de nuit")

    assert (first.latitude, first.longitude) == (45.758, 4.835)
    assert first.location is None
    assert (first.ui_rank, second.ui_rank) == (0, 1)
    assert first.is_open and first.hours_per_week == 26 and first.open_positions == 3
    assert timezone.now() - first.updated_at < datetime.timedelta(seconds=5)
    assert second.display_name == "Boulanger de nuit"


def test_create_with_a_location_takes_its_coordinates(employer, company, boulanger, villeurbanne):
    job = create(employer, company, location_code="69266")
    assert job.location == villeurbanne
    assert (job.latitude, job.longitude) == (45.7719, 4.8902)


def test_company_coordinates_come_before_its_commune(employer, company, boulanger):
    Company.objects.filter(pk=company.pk).update(latitude=45.7, longitude=4.9)
    company.refresh_from_db()
    assert (create(employer, company).latitude, company.longitude) == (45.7, 4.9)


def test_any_active_member_may_create_but_not_others(company, boulanger):
    colleague = CompanyMembershipFactory(company=company, is_admin=False).user
    assert create(colleague, company).pk

    other_admin = ProfessionalFactory()
    CompanyFactory(with_member=other_admin)
    former = CompanyMembershipFactory(company=company, is_active=False).user
    for outsider in (other_admin, former, ProfessionalFactory()):
        with pytest.raises(PermissionDenied):
            create(outsider, company)
    assert JobDescription.objects.count() == 1


@pytest.mark.parametrize("hours, accepted", [(1, True), (48, True), (49, False)])
def test_hours_per_week_boundary(employer, company, boulanger, hours, accepted):
    """DOMAIN.md: at most 48 hours a week (MAX_HOURS_PER_WEEK)."""
    if accepted:
        assert create(employer, company, hours_per_week=hours).hours_per_week == hours
    else:
        with pytest.raises(ValidationError):
            create(employer, company, hours_per_week=hours)
        assert not JobDescription.objects.exists()


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"hours_per_week": 60}, "hours_per_week", "entre 1 et 48"),
        ({"hours_per_week": 0}, "hours_per_week", "entre 1 et 48"),
        ({"open_positions": 0}, "open_positions", "au moins un poste"),
        ({"appellation_code": "99999"}, "appellation", "Ce métier est inconnu"),
        ({"appellation_code": ""}, "appellation", "Ce métier est inconnu"),
        ({"location_code": "00000"}, "location", "Cette commune est inconnue"),
        ({"contract_type": ContractType.TEMPORARY}, "contract_type", "pas possible pour ce type de structure"),
        ({"contract_type": "NOPE"}, "contract_type", "pas possible pour ce type de structure"),
        ({"contract_type": ContractType.OTHER}, "other_contract_type", "précisez lequel"),
        ({"custom_title": "x" * 300}, "custom_title", "255 caractères"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_created(employer, company, boulanger, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        create(employer, company, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert not JobDescription.objects.exists()


def test_every_problem_is_reported_at_once(employer, company, boulanger):
    with pytest.raises(ValidationError) as error:
        create(employer, company, appellation_code="nope", hours_per_week=60, contract_type="PERMANENT")
    assert set(error.value.message_dict) == {"appellation", "hours_per_week", "contract_type"}


def test_other_contract_type_is_kept_only_with_other(employer, company, boulanger):
    job = create(employer, company, contract_type=ContractType.OTHER, other_contract_type="CDDI de 4 mois")
    assert job.other_contract_type == "CDDI de 4 mois"
    job = create(employer, company, other_contract_type="ignoré")
    assert job.other_contract_type == ""


def test_update_replaces_fields_and_bumps_updated_at_even_without_change(employer, company, boulanger, villeurbanne):
    job = create(employer, company)
    set_updated_at(job, timezone.now() - datetime.timedelta(days=80))

    job = services.job_description_update(
        acting_user=employer,
        company=company,
        job_description=job,
        appellation_code="11573",
        contract_type=ContractType.FIXED_TERM_I_PHC,
        custom_title="  Boulanger  ",
        hours_per_week=20,
        location_code="69266",
        is_cv_required=True,
    )
    job.refresh_from_db()
    assert job.contract_type == ContractType.FIXED_TERM_I_PHC
    assert job.custom_title == "Boulanger"
    assert job.location == villeurbanne and job.latitude == 45.7719
    assert job.is_cv_required
    assert timezone.now() - job.updated_at < datetime.timedelta(seconds=5)


def test_update_with_bad_input_changes_nothing(employer, company, boulanger):
    job = create(employer, company, hours_per_week=26)
    before = JobDescription.objects.values().get(pk=job.pk)
    with pytest.raises(ValidationError):
        services.job_description_update(
            acting_user=employer,
            company=company,
            job_description=job,
            appellation_code="11573",
            contract_type=ContractType.FIXED_TERM_I,
            hours_per_week=60,
        )
    assert JobDescription.objects.values().get(pk=job.pk) == before


def test_a_job_description_of_another_company_cannot_be_touched(employer, company, boulanger):
    other_company = CompanyFactory(with_member=True)
    foreign = make_job(other_company)
    with pytest.raises(PermissionDenied):
        services.job_description_close(acting_user=employer, company=company, job_description=foreign)
    with pytest.raises(PermissionDenied):
        services.job_description_update(
            acting_user=employer,
            company=company,
            job_description=foreign,
            appellation_code="11573",
            contract_type=ContractType.FIXED_TERM_I,
        )
    # Claiming the other company does not help either: the user is not its member.
    with pytest.raises(PermissionDenied):
        services.job_description_close(acting_user=employer, company=other_company, job_description=foreign)
    foreign.refresh_from_db()
    assert foreign.is_open


# ---------------------------------------------------------------------------- open / close / move


def test_close_then_open_bump_updated_at_and_repeat_is_already_done(employer, company, boulanger):
    job = create(employer, company)
    old = timezone.now() - datetime.timedelta(days=30)
    set_updated_at(job, old)

    job = services.job_description_close(acting_user=employer, company=company, job_description=job)
    assert not job.is_open and job.updated_at > old
    with pytest.raises(services.ActionAlreadyDone) as done:
        services.job_description_close(acting_user=employer, company=company, job_description=job)
    assert "Cette action a déjà été effectuée" in done.value.message
    assert "déjà fermée" in done.value.message

    job = services.job_description_open(acting_user=employer, company=company, job_description=job)
    assert job.is_open
    with pytest.raises(services.ActionAlreadyDone):
        services.job_description_open(acting_user=employer, company=company, job_description=job)


def test_move_swaps_neighbours_renumbers_and_keeps_updated_at(employer, company, boulanger):
    # Ties and gaps, as older data may have them.
    a, b, c = (make_job(company, ui_rank=rank, custom_title=title) for rank, title in ((5, "A"), (5, "B"), (9, "C")))
    old = timezone.now() - datetime.timedelta(days=10)
    JobDescription.objects.update(updated_at=old)

    services.job_description_move(acting_user=employer, company=company, job_description=c, direction="up")
    assert [jd.custom_title for jd in company.job_descriptions.order_by("ui_rank", "pk")] == ["A", "C", "B"]
    assert list(company.job_descriptions.order_by("ui_rank").values_list("ui_rank", flat=True)) == [0, 1, 2]
    assert set(JobDescription.objects.values_list("updated_at", flat=True)) == {old}

    services.job_description_move(acting_user=employer, company=company, job_description=a, direction="down")
    assert [jd.custom_title for jd in company.job_descriptions.order_by("ui_rank", "pk")] == ["C", "A", "B"]

    with pytest.raises(services.ActionAlreadyDone, match="déjà la première"):
        services.job_description_move(acting_user=employer, company=company, job_description=c, direction="up")
    with pytest.raises(services.ActionAlreadyDone, match="déjà la dernière"):
        services.job_description_move(acting_user=employer, company=company, job_description=b, direction="down")
    with pytest.raises(ValidationError):
        services.job_description_move(acting_user=employer, company=company, job_description=b, direction="left")


# ---------------------------------------------------------------------------- spontaneous applications


def test_spontaneous_applications_open_close_refresh(employer, company):
    colleague = CompanyMembershipFactory(company=company, is_admin=False).user
    company = services.company_toggle_spontaneous_applications(acting_user=colleague, company=company, is_open=True)
    assert company.spontaneous_applications_open
    with pytest.raises(services.ActionAlreadyDone, match="déjà ouvertes"):
        services.company_toggle_spontaneous_applications(acting_user=employer, company=company, is_open=True)

    old = timezone.now() - datetime.timedelta(days=85)
    Company.objects.filter(pk=company.pk).update(spontaneous_applications_open_since=old)
    company = services.company_refresh_spontaneous_applications(acting_user=employer, company=company)
    assert company.spontaneous_applications_open_since > old

    company = services.company_toggle_spontaneous_applications(acting_user=employer, company=company, is_open=False)
    assert company.spontaneous_applications_open_since is None
    with pytest.raises(services.ActionAlreadyDone, match="déjà fermées"):
        services.company_toggle_spontaneous_applications(acting_user=employer, company=company, is_open=False)
    with pytest.raises(services.ActionAlreadyDone, match="sont fermées"):
        services.company_refresh_spontaneous_applications(acting_user=employer, company=company)

    with pytest.raises(PermissionDenied):
        services.company_toggle_spontaneous_applications(
            acting_user=ProfessionalFactory(), company=company, is_open=True
        )


# ---------------------------------------------------------------------------- public information


def public_info(**overrides):
    return {
        "brand": "Les Jardins",
        "description": "Maraîchage bio.",
        "phone": "04 78 70 12 34",
        "email": "contact@jardins.fr",
        "website": "www.jardins.fr",
        "address_line": "3 rue Paul Bert",
        "post_code": "69100",
        "commune_code": "69266",
    } | overrides


def test_admin_updates_public_info_and_moves_job_descriptions_without_location(
    employer, company, boulanger, villeurbanne, lyon
):
    at_company = create(employer, company)
    elsewhere = create(employer, company, location_code="69123")
    updated_at = JobDescription.objects.get(pk=at_company.pk).updated_at

    company = services.company_update_public_info(acting_user=employer, company=company, **public_info())

    company.refresh_from_db()
    assert company.brand == "Les Jardins" and company.phone == "0478701234"
    assert company.website == "https://www.jardins.fr"
    assert company.commune == villeurbanne and company.post_code == "69100"
    assert (company.latitude, company.longitude) == (45.7719, 4.8902)
    at_company.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (at_company.latitude, at_company.longitude) == (45.7719, 4.8902)
    assert at_company.updated_at == updated_at  # derived columns only
    assert elsewhere.latitude == lyon.latitude


def test_only_admins_update_public_info(company, villeurbanne):
    member = CompanyMembershipFactory(company=company, is_admin=False).user
    with pytest.raises(PermissionDenied, match="administrateurs"):
        services.company_update_public_info(acting_user=member, company=company, **public_info())
    company.refresh_from_db()
    assert company.brand == ""


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"phone": "12"}, "phone", "numéro de téléphone n'est pas valide"),
        ({"post_code": "6910"}, "post_code", "5 chiffres"),
        ({"post_code": "75001"}, "post_code", "ne correspond pas à Villeurbanne"),
        ({"commune_code": "00000"}, "commune", "commune est inconnue"),
        ({"commune_code": ""}, "commune", "Choisissez la commune"),
        ({"email": "pas-une-adresse"}, "email", "adresse e-mail n'est pas valide"),
        ({"website": "https://"}, "website", "adresse de site web n'est pas valide"),
    ],
)
def test_bad_public_info_changes_nothing(employer, company, villeurbanne, overrides, field, message):
    before = Company.objects.values().get(pk=company.pk)
    with pytest.raises(ValidationError) as error:
        services.company_update_public_info(acting_user=employer, company=company, **public_info(**overrides))
    assert message in " ".join(error.value.message_dict[field])
    assert Company.objects.values().get(pk=company.pk) == before


# ---------------------------------------------------------------------------- antennes


def antenne_input(holder, **overrides):
    return {
        "siret": holder.siren + "00099",
        "name": "Les Jardins — antenne de Villeurbanne",
        "address_line": "3 rue Paul Bert",
        "post_code": "69100",
        "commune_code": "69266",
    } | overrides


def valid_antenne_siret(holder, nic="0009"):
    from stdnum import luhn

    body = holder.siren + nic
    return body + luhn.calc_check_digit(body)


def wrong_key(siret):
    return siret[:-1] + str((int(siret[-1]) + 1) % 10)


def test_admin_creates_an_antenne_and_becomes_its_admin(employer, company, villeurbanne):
    Company.objects.filter(pk=company.pk).update(convention_end_date=datetime.date(2030, 12, 31))
    company.refresh_from_db()
    antenne = services.antenne_create(
        acting_user=employer,
        company=company,
        **antenne_input(company, siret=valid_antenne_siret(company), phone="04 72 00 00 00"),
    )
    assert antenne.parent == company
    assert antenne.kind == company.kind and antenne.siren == company.siren
    assert antenne.source == CompanySource.USER_CREATED
    assert antenne.created_by == employer
    assert antenne.convention_end_date == datetime.date(2030, 12, 31)
    assert antenne.latitude == villeurbanne.latitude
    assert CompanyMembership.objects.get(company=antenne).user == employer
    assert CompanyMembership.objects.get(company=antenne).is_admin

    # From the antenne, a new antenne still hangs from the convention holder.
    second = services.antenne_create(
        acting_user=employer, company=antenne, **antenne_input(company, siret=valid_antenne_siret(company, "0010"))
    )
    assert second.parent == company


def test_antenne_refusals(employer, company, villeurbanne):
    member = CompanyMembershipFactory(company=company, is_admin=False).user
    with pytest.raises(PermissionDenied):
        services.antenne_create(
            acting_user=member, company=company, **antenne_input(company, siret=valid_antenne_siret(company))
        )
    cases = [
        ({"siret": "123"}, "siret", "14 chiffres"),
        ({"siret": wrong_key(valid_antenne_siret(company))}, "siret", "n'est pas valide"),
        ({"siret": siret_for(999_999, prefix="7")}, "siret", f"doit commencer par {company.siren}"),
        ({"siret": company.siret}, "siret", "existe déjà avec ce SIRET"),
        ({"siret": valid_antenne_siret(company), "name": ""}, "name", "Ce champ ne peut pas être vide"),
        ({"siret": valid_antenne_siret(company), "commune_code": "nope"}, "commune", "inconnue"),
    ]
    for overrides, field, message in cases:
        with pytest.raises(ValidationError) as error:
            services.antenne_create(acting_user=employer, company=company, **antenne_input(company, **overrides))
        assert message in " ".join(error.value.message_dict[field]), (overrides, error.value.message_dict)
    assert Company.objects.count() == 1


def test_no_antenne_for_an_inactive_company(employer, company, villeurbanne):
    Company.objects.filter(pk=company.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="n'est plus active"):
        services.antenne_create(
            acting_user=employer, company=company, **antenne_input(company, siret=valid_antenne_siret(company))
        )


# ---------------------------------------------------------------------------- daily closing

NOW = datetime.datetime(2026, 3, 10, 4, 0, tzinfo=datetime.UTC)


def test_close_stale_boundaries_89_90_91_days(employer, company, boulanger, django_capture_on_commit_callbacks):
    jobs = {days: make_job(company, custom_title=f"Poste {days} jours") for days in (89, 90, 91)}
    for days, job in jobs.items():
        set_updated_at(job, NOW - datetime.timedelta(days=days))
    closed_already = make_job(company, custom_title="Déjà fermé", is_open=False)
    set_updated_at(closed_already, NOW - datetime.timedelta(days=200))

    with django_capture_on_commit_callbacks(execute=True):
        closings = services.job_descriptions_close_stale(now=NOW)

    assert [jd.custom_title for jd in closings[0].job_descriptions] == ["Poste 90 jours", "Poste 91 jours"]
    states = dict(JobDescription.objects.values_list("custom_title", "is_open"))
    assert states == {"Poste 89 jours": True, "Poste 90 jours": False, "Poste 91 jours": False, "Déjà fermé": False}
    assert JobDescription.objects.get(pk=jobs[90].pk).updated_at == NOW
    assert JobDescription.objects.get(pk=closed_already.pk).updated_at == NOW - datetime.timedelta(days=200)


def test_close_stale_spontaneous_applications_boundaries(company, django_capture_on_commit_callbacks):
    others = {days: CompanyFactory() for days in (89, 90, 91)}
    for days, other in others.items():
        Company.objects.filter(pk=other.pk).update(
            spontaneous_applications_open_since=NOW - datetime.timedelta(days=days)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.job_descriptions_close_stale(now=NOW)
    assert Company.objects.get(pk=others[89].pk).spontaneous_applications_open
    assert not Company.objects.get(pk=others[90].pk).spontaneous_applications_open
    assert not Company.objects.get(pk=others[91].pk).spontaneous_applications_open


def test_close_stale_emails_each_active_admin_once_per_company(
    employer, company, boulanger, django_capture_on_commit_callbacks
):
    company.brand = "Les Jardins du Rhône"
    company.save()
    second_admin = CompanyMembershipFactory(company=company, is_admin=True).user
    member = CompanyMembershipFactory(company=company, is_admin=False).user
    former_admin = CompanyMembershipFactory(company=company, is_admin=True, is_active=False).user
    for title in ("Maraîcher", "Vendeur"):
        set_updated_at(make_job(company, custom_title=title), NOW - datetime.timedelta(days=120))
    Company.objects.filter(pk=company.pk).update(spontaneous_applications_open_since=NOW - datetime.timedelta(days=95))

    with django_capture_on_commit_callbacks(execute=True):
        services.job_descriptions_close_stale(now=NOW)
    assert run_pending_jobs() == 2

    email = last_email_to(employer.email)
    assert email.subject == (
        "[Les emplois de l'inclusion] Fiches de poste et candidatures spontanées fermées : Les Jardins du Rhône"
    )
    assert "Bonjour Nathalie" in email.body
    assert "- Maraîcher — CDD d'insertion (CDDI), dernière mise à jour le 10 novembre 2025" in email.body
    assert "- Vendeur" in email.body
    assert "ouvertes depuis le 5 décembre 2025" in email.body
    assert "fermées automatiquement le 10 mars 2026" in email.body
    assert "http://localhost:8000/structures/ma-structure/fiches-de-poste/" in email.body
    assert assert_in_email_layout(email) == "http://localhost:8000/structures/ma-structure/fiches-de-poste/"
    assert last_email_to(second_admin.email).subject == email.subject
    from itou.notifications.models import SentEmail

    assert not SentEmail.objects.filter(to__contains=[member.email]).exists()
    assert not SentEmail.objects.filter(to__contains=[former_admin.email]).exists()

    # A second run finds nothing more to close and sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.job_descriptions_close_stale(now=NOW + datetime.timedelta(hours=1)) == []
    assert run_pending_jobs() == 0


def test_close_stale_tells_members_when_there_is_no_admin(boulanger, django_capture_on_commit_callbacks):
    company = CompanyFactory()
    member = CompanyMembershipFactory(company=company, is_admin=False).user
    set_updated_at(make_job(company), NOW - datetime.timedelta(days=100))
    with django_capture_on_commit_callbacks(execute=True):
        services.job_descriptions_close_stale(now=NOW)
    run_pending_jobs()
    assert last_email_to(member.email).subject.endswith(f"Une fiche de poste fermée : {company.display_name}")


# ---------------------------------------------------------------------------- demo data


def test_demo_job_descriptions_are_created_once(employer, company):
    for spec in services.DEMO_JOB_DESCRIPTIONS[CompanyKind.ACI]:
        make_appellation(
            spec["appellation_code"], f"Métier {spec['appellation_code']}", rome_code="A1414", rome_name="R"
        )
    expected = len(services.DEMO_JOB_DESCRIPTIONS[CompanyKind.ACI])
    assert 3 <= expected <= 8
    assert services.job_descriptions_load_demo(acting_user=employer, company=company) == expected
    assert services.job_descriptions_load_demo(acting_user=employer, company=company) == 0
    assert company.job_descriptions.count() == expected


def test_every_demo_job_description_is_valid_for_its_kind():
    for kind, specs in services.DEMO_JOB_DESCRIPTIONS.items():
        allowed = dict(services.allowed_contract_types(kind))
        assert 3 <= len(specs) <= 8, kind
        for spec in specs:
            assert spec["contract_type"] in allowed, (kind, spec)
            assert spec.get("hours_per_week") is None or 1 <= spec["hours_per_week"] <= 48
