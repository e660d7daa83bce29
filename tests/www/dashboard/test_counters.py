"""The dashboard's figures, role by role: right values, a constant number of queries, and
each figure links to a list that shows exactly as many rows."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from itou.approvals.enums import ProlongationReason, ProlongationRequestStatus, SuspensionReason
from itou.approvals.models import ProlongationRequest, Suspension
from itou.companies.enums import CompanyKind
from itou.companies.models import JobDescription
from itou.geo.models import Commune
from itou.institutions.enums import InstitutionKind
from itou.job_applications.enums import JobApplicationState as S
from itou.job_applications.models import JobApplication
from tests.approvals.factories import ApprovalFactory, hire
from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.institutions.factories import DepartmentFactory, InstitutionFactory, RegionFactory
from tests.job_applications.factories import JobApplicationFactory, make_job_description
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory, ProfessionalFactory

DASHBOARD_URL = reverse("dashboard:index")
# Wednesday 11 March 2026, noon in Paris: the week runs from Monday 9 to Sunday 15.
NOW = datetime.datetime(2026, 3, 11, 11, 0, tzinfo=datetime.UTC)
# session, user, the organizations (companies, prescriber organizations, institutions),
# then the counters: at most 5 (applications, PASS IAE, prolongation requests, job descriptions…).
# The first visit also stores the current organization in the session (3 more): tests warm up.
MAX_QUERIES = 10

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def today_plus(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def counters_of(client) -> dict[str, object]:
    response = client.get(DASHBOARD_URL)
    assert response.status_code == 200
    return {counter.label: counter for counter in response.context["counters"]}


def listed(client, url: str) -> int:
    """How many rows the list behind a counter shows."""
    context = client.get(url).context
    if "page" in context and hasattr(context["page"], "paginator"):
        if "total" in context and url.startswith(reverse("approvals:company_list")):
            return context["total"]
        return context["page"].paginator.count
    return len(context["job_descriptions"])


def assert_lists_agree(client, counters):
    for counter in counters.values():
        if counter.url and not counter.url.startswith(reverse("companies:job_description_create")):
            assert listed(client, counter.url) == counter.value, counter.label


def first_member(organization):
    return organization.memberships.order_by("pk").first().user


# --- Employer ---------------------------------------------------------------------------


def make_siae_world():
    company = CompanyFactory(kind=CompanyKind.ACI, with_member=True)
    employer = first_member(company)
    new = JobApplicationFactory(to_company=company, state=S.NEW)
    old = JobApplicationFactory(to_company=company, state=S.NEW)
    JobApplication.objects.filter(pk=old.pk).update(created_at=days_ago(22))
    JobApplicationFactory(to_company=company, state=S.PROCESSING)
    JobApplicationFactory(to_company=company, state=S.POSTPONED)
    JobApplicationFactory(to_company=company, state=S.REFUSED)  # done: not counted
    JobApplicationFactory(to_company=company, state=S.ACCEPTED, hiring_start_at=datetime.date(2026, 3, 13))
    JobApplicationFactory(to_company=company, state=S.ACCEPTED, hiring_start_at=datetime.date(2026, 3, 16))
    JobApplicationFactory(state=S.NEW)  # another employer's
    # PASS IAE: one ends within 3 months, one is suspended until next week, one has a request.
    ending = ApprovalFactory(start_at=today_plus(-700), end_at=today_plus(60))
    hire(ending, company, start_at=today_plus(-700))
    suspended = ApprovalFactory(start_at=today_plus(-100))
    hire(suspended, company, start_at=today_plus(-100))
    Suspension.objects.create(
        approval=suspended,
        start_at=today_plus(-20),
        end_at=today_plus(10),
        reason=SuspensionReason.CONTRACT_SUSPENDED,
        company=company,
    )
    requested = ApprovalFactory(start_at=today_plus(-300))
    hire(requested, company, start_at=today_plus(-300))
    prescriber = PrescriberOrganizationFactory(authorized=True, with_member=True)
    ProlongationRequest.objects.create(
        approval=requested,
        reason=ProlongationReason.RQTH,
        end_at=today_plus(400),
        company=company,
        declared_by=employer,
        prescriber_organization=prescriber,
    )
    ProlongationRequest.objects.create(
        approval=ending,
        reason=ProlongationReason.RQTH,
        end_at=today_plus(400),
        company=company,
        declared_by=employer,
        prescriber_organization=prescriber,
        status=ProlongationRequestStatus.DENIED,
        deny_reason="other",
        processed_at=days_ago(3),
    )
    # Job descriptions: one quiet for 40 days, one with a recent application, one closed.
    quiet = make_job_description(company, title="Agent d'entretien", code="11111")
    busy = make_job_description(company, title="Maraîcher", code="22222")
    closed = make_job_description(company, title="Cariste", code="33333")
    JobDescription.objects.filter(pk__in=[quiet.pk, busy.pk, closed.pk]).update(created_at=days_ago(40))
    JobDescription.objects.filter(pk=closed.pk).update(is_open=False)
    new.selected_jobs.set([busy])
    return company, employer


def test_siae_counters(client, django_assert_max_num_queries):
    company, employer = make_siae_world()
    client.force_login(employer)
    client.get(DASHBOARD_URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        counters = counters_of(client)
    values = {label: counter.value for label, counter in counters.items()}
    assert values == {
        "candidatures à traiter": 4,
        "en attente depuis plus de 3 semaines": 1,
        "embauche cette semaine": 1,
        "PASS IAE prend fin dans les 3 mois": 1,
        "suspension se termine": 1,
        "demande de prolongation en attente": 1,
        "demande de prolongation répondue": 1,
        "fiche de poste ouverte sans candidature depuis 30 jours": 1,
    }
    assert_lists_agree(client, counters)
    html = client.get(DASHBOARD_URL).content.decode()
    assert "OUVERTE(S)" not in html.upper()
    assert "(s)" not in html


def test_siae_counters_constant_queries(client, django_assert_max_num_queries):
    company, employer = make_siae_world()
    client.force_login(employer)
    client.get(DASHBOARD_URL)  # the first visit stores the current organization in the session
    with django_assert_max_num_queries(MAX_QUERIES) as first:
        client.get(DASHBOARD_URL)
    for _ in range(3):
        JobApplicationFactory(to_company=company, state=S.NEW)
        hire(ApprovalFactory(), company)
        make_job_description(company, code="44444")
    with django_assert_max_num_queries(len(first.captured_queries)):
        counters = counters_of(client)
    assert counters["candidatures à traiter"].value == 7


def test_employer_without_job_description_is_told_to_publish_one(client):
    company = CompanyFactory(kind=CompanyKind.EI, with_member=True)
    client.force_login(first_member(company))
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Publiez une fiche de poste" in html
    assert reverse("companies:job_description_create") in html
    assert "Aucune candidature à traiter" in html


def test_geiq_counters(client, django_assert_max_num_queries):
    company = CompanyFactory(kind=CompanyKind.GEIQ, with_member=True)
    JobApplicationFactory(to_company=company, state=S.PRIOR_TO_HIRE)
    JobApplicationFactory(to_company=company, state=S.NEW)
    client.force_login(first_member(company))
    client.get(DASHBOARD_URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        counters = counters_of(client)
    assert counters["action préalable en cours"].value == 1
    assert counters["candidature à traiter"].value == 1
    assert not any("PASS IAE" in label for label in counters)
    assert_lists_agree(client, counters)


def test_ea_counters(client, django_assert_max_num_queries):
    company = CompanyFactory(kind=CompanyKind.EA, with_member=True)
    JobApplicationFactory(to_company=company, state=S.PROCESSING)
    client.force_login(first_member(company))
    client.get(DASHBOARD_URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        counters = counters_of(client)
    assert counters["candidature à traiter"].value == 1
    assert not any("PASS IAE" in label or "préalable" in label for label in counters)


# --- Prescriber -------------------------------------------------------------------------


def test_authorized_prescriber_counters(client, django_assert_max_num_queries):
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    prescriber = first_member(organization)
    sent = {"sender_kind": "prescriber", "sender_prescriber_organization": organization, "sender": prescriber}
    JobApplicationFactory(state=S.NEW, **sent)
    JobApplicationFactory(state=S.PROCESSING, **sent)
    accepted = JobApplicationFactory(state=S.ACCEPTED, **sent)
    refused = JobApplicationFactory(state=S.REFUSED, **sent)
    old_refusal = JobApplicationFactory(state=S.REFUSED, **sent)
    JobApplication.objects.filter(pk__in=[accepted.pk, refused.pk]).update(processed_at=days_ago(2))
    JobApplication.objects.filter(pk=old_refusal.pk).update(processed_at=days_ago(40))
    JobApplicationFactory(state=S.NEW)  # sent by someone else
    approval = ApprovalFactory()
    company = CompanyFactory(with_member=True)
    hire(approval, company)
    ProlongationRequest.objects.create(
        approval=approval,
        reason=ProlongationReason.RQTH,
        end_at=today_plus(800),
        company=company,
        declared_by=first_member(company),
        prescriber_organization=organization,
    )
    # Diagnoses: one expiring in 10 days, one replaced by a newer one, one valid for months.
    expiring = IAEDiagnosisFactory(author_prescriber_organization=organization, author=prescriber)
    expiring.expires_at = today_plus(10)
    expiring.save()
    replaced = IAEDiagnosisFactory(author_prescriber_organization=organization, author=prescriber)
    replaced.expires_at = today_plus(5)
    replaced.created_at = days_ago(100)
    replaced.save()
    IAEDiagnosisFactory(job_seeker=replaced.job_seeker)
    IAEDiagnosisFactory(author_prescriber_organization=organization, author=prescriber)
    client.force_login(prescriber)
    client.get(DASHBOARD_URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        counters = counters_of(client)
    values = {label: counter.value for label, counter in counters.items()}
    assert values == {
        "candidatures en attente de réponse": 2,  # new, processing (accepted and refused are answered)
        "acceptée ce mois-ci": 1,
        "déclinée ce mois-ci": 1,
        "demande de prolongation à traiter": 1,
        "diagnostic expire dans les 30 jours": 1,
    }
    assert_lists_agree(client, counters)


def test_orienteur_has_no_authorized_counters(client, django_assert_max_num_queries):
    organization = PrescriberOrganizationFactory(with_member=True)
    client.force_login(first_member(organization))
    client.get(DASHBOARD_URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        counters = counters_of(client)
    assert set(counters) == {"candidature en attente de réponse", "acceptée ce mois-ci", "déclinée ce mois-ci"}
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Postulez pour une personne que vous accompagnez" in html


# --- Job seeker -------------------------------------------------------------------------


def test_job_seeker_counters_pass_and_diagnosis(client, django_assert_max_num_queries):
    job_seeker = JobSeekerFactory()
    JobApplicationFactory(job_seeker=job_seeker, state=S.NEW)
    JobApplicationFactory(job_seeker=job_seeker, state=S.REFUSED)
    JobApplicationFactory(job_seeker=job_seeker, state=S.REFUSED)
    approval = ApprovalFactory(job_seeker=job_seeker)
    diagnosis = IAEDiagnosisFactory(job_seeker=job_seeker)
    client.force_login(job_seeker)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(DASHBOARD_URL)
    values = {counter.label: counter.value for counter in response.context["counters"]}
    assert values == {"candidature en cours": 1, "candidature acceptée": 0, "candidatures déclinées": 2}
    html = response.content.decode()
    assert approval.display_number in html
    assert f"au <strong>{approval.end_at.day}" in html
    assert "valable jusqu'au" in html
    assert diagnosis.author_prescriber_organization.name in html


def test_job_seeker_without_pass_nor_diagnosis(client):
    client.force_login(JobSeekerFactory())
    html = client.get(DASHBOARD_URL).content.decode()
    assert "Pas de PASS IAE en cours" in html
    assert "Pas de diagnostic d'éligibilité valable" in html
    assert "cherchez un employeur solidaire" in html


# --- Institutions -----------------------------------------------------------------------


@pytest.fixture
def territory():
    """An SIAE in the Rhône (Lyon), one in the Loire (same region), one in Paris."""
    ara = RegionFactory()
    idf = RegionFactory(code="11", name="Île-de-France")
    rhone = DepartmentFactory()
    loire = DepartmentFactory(code="42", name="Loire", region=ara)
    paris = DepartmentFactory(code="75", name="Paris", region=idf)
    companies = {}
    for code, name, department in (
        ("69123", "Lyon", rhone),
        ("42218", "Saint-Étienne", loire),
        ("75056", "Paris", paris),
    ):
        commune = Commune.objects.create(code=code, name=name, department=department, postal_codes=[code[:2] + "000"])
        company = CompanyFactory(kind=CompanyKind.ACI, commune=commune)
        JobApplicationFactory(to_company=company, state=S.NEW)
        JobApplicationFactory(to_company=company, state=S.ACCEPTED, hiring_start_at=datetime.date(2026, 3, 2))
        hire(ApprovalFactory(start_at=datetime.date(2026, 3, 2)), company)
        companies[department.code] = company
    return {"rhone": rhone, "region": ara}


@pytest.mark.parametrize(
    "kind,expected",
    [
        # SIAE, applications sent this month, hires this month, PASS IAE running.
        (InstitutionKind.DDETS_IAE, (1, 3, 2, 1)),
        (InstitutionKind.DREETS_IAE, (2, 6, 4, 2)),
        (InstitutionKind.DGEFP_IAE, (3, 9, 6, 3)),
    ],
)
def test_institution_headline_figures(client, territory, kind, expected, django_assert_max_num_queries):
    extra = {
        InstitutionKind.DDETS_IAE: {"department": territory["rhone"]},
        InstitutionKind.DREETS_IAE: {"department": None, "region": territory["region"]},
        InstitutionKind.DGEFP_IAE: {"department": None},
    }[kind]
    institution = InstitutionFactory(kind=kind, with_member=True, **extra)
    client.force_login(first_member(institution))
    client.get(DASHBOARD_URL)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(DASHBOARD_URL)
    # Each applications row of the fixture: one new (this month) and one accepted hire; `hire()`
    # adds an accepted application for each PASS (sent this month too).
    assert tuple(counter.value for counter in response.context["counters"]) == expected
    assert len(response.context["counters"]) == 4


def test_dashboard_counters_not_for_another_organization(client):
    """Figures are those of the current organization only."""
    mine = CompanyFactory(with_member=True)
    JobApplicationFactory(state=S.NEW)  # another employer's
    client.force_login(first_member(mine))
    counters = counters_of(client)
    assert counters["candidature à traiter"].value == 0


def test_outsider_professional_has_no_counters(client):
    client.force_login(ProfessionalFactory())
    response = client.get(DASHBOARD_URL)
    assert response.context["counters"] == []
