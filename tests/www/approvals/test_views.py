"""PASS IAE screens: owner, teammate and outsider for each view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from itou.approvals import services
from itou.approvals.enums import ProlongationReason, ProlongationRequestStatus, SuspensionReason
from itou.approvals.models import Approval, Prolongation, ProlongationRequest, Suspension
from itou.companies.enums import CompanyKind
from tests.approvals.factories import ApprovalFactory, days_from_today, hire, member_of
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.users.factories import JobSeekerFactory
from tests.www.applications.conftest import login

days = datetime.timedelta


@pytest.fixture
def employed():
    """A PASS whose last hire is at an ACI with a member."""
    approval = ApprovalFactory(start_at=days_from_today(-700))
    last = hire(approval, CompanyFactory(kind=CompanyKind.ACI, with_member=True))
    return approval, last.company


# --- Employer list ------------------------------------------------------------------------

COMPANY_LIST_QUERIES = 6  # session, user, current organization, count, page, its holders (filters and status in SQL)


def test_company_list_shows_only_own_employees_with_constant_queries(client, employed, django_assert_num_queries):
    approval, company = employed
    other = ApprovalFactory()
    hire(other)  # another employer's employee
    login(client, member_of(company), company)
    url = reverse("approvals:company_list")
    with django_assert_num_queries(COMPANY_LIST_QUERIES):
        response = client.get(url)
    assert approval.display_number in response.text
    assert other.display_number not in response.text
    assert "Prend fin dans moins de 3 mois" in response.text  # 700 days in: 29 days left
    for _ in range(3):
        hire(ApprovalFactory(), company)
    with django_assert_num_queries(COMPANY_LIST_QUERIES):
        response = client.get(url)
    assert response.text.count("PASS IAE n°") == 4


def test_company_list_filters(client, employed):
    approval, company = employed
    fresh = ApprovalFactory()
    hire(fresh, company)
    login(client, member_of(company), company)
    response = client.get(reverse("approvals:company_list"), {"expires_soon": "on"})
    assert approval.display_number in response.text and fresh.display_number not in response.text
    response = client.get(reverse("approvals:company_list"), {"name": fresh.job_seeker.last_name})
    assert fresh.display_number in response.text


def test_company_list_pages_and_filters_in_sql_match_the_python_statuses(client, employed, django_assert_num_queries):
    """Every filter and page lists what the statuses computed in Python say, in the same
    order (soonest end first), with the same number of queries."""
    approval, company = employed
    today = timezone.localdate()
    prescriber = PrescriberOrganizationFactory(authorized=True)
    approvals = [approval]
    for index in range(26):
        other = ApprovalFactory(start_at=days_from_today(-40 * index + 30))
        hire(other, company)
        approvals.append(other)
        if index % 4 == 1:
            Suspension.objects.create(
                approval=other,
                start_at=today - days(index),
                end_at=today + days(index),
                reason=SuspensionReason.CONTRACT_SUSPENDED,
                company=company,
            )
        if index % 5 == 2:
            ProlongationRequest.objects.create(
                approval=other,
                reason=ProlongationReason.RQTH,
                end_at=other.end_at + days(100),
                company=company,
                prescriber_organization=prescriber,
                status=ProlongationRequestStatus.DENIED if index % 2 else ProlongationRequestStatus.PENDING,
                deny_reason="other" if index % 2 else "",
                processed_at=timezone.now() - days(2) if index % 2 else None,
            )
    cancelled = approvals[3]
    cancelled.cancelled_at = timezone.now()
    cancelled.save()
    login(client, member_of(company), company)
    url = reverse("approvals:company_list")

    def expected(keep):
        rows = sorted(Approval.objects.filter(pk__in=[a.pk for a in approvals]), key=lambda a: (a.end_at, a.pk))
        return [a.display_number for a in rows if keep(a)]

    def listed(params):
        numbers, page = [], 1
        while True:
            with django_assert_num_queries(COMPANY_LIST_QUERIES):
                response = client.get(url, {**params, "page": page})
            numbers += [row.split("<")[0] for row in response.text.split("PASS IAE n° ")[1:]]
            if "Page suivante" not in response.text:
                return numbers, response.context["total"]
            page += 1

    def suspension_ends_soon(a):
        return any(today <= s.end_at <= today + days(30) for s in a.suspensions.all())

    def request(a, wanted):
        for r in a.prolongation_requests.filter(company=company):
            if wanted == "pending" and r.status == ProlongationRequestStatus.PENDING:
                return True
            if wanted == "answered" and r.status != ProlongationRequestStatus.PENDING and r.processed_at:
                return True
        return False

    cases = [({}, lambda a: True)]
    for status in ["valid", "suspended", "future", "expired"]:
        cases.append(({"status": status}, lambda a, status=status: a.status(today) == status))
    cases += [
        ({"expires_soon": "on"}, lambda a: a.expires_soon(today)),
        ({"suspension_ends_soon": "on"}, suspension_ends_soon),
        ({"prolongation": "pending"}, lambda a: request(a, "pending")),
        ({"prolongation": "answered"}, lambda a: request(a, "answered")),
        ({"status": "valid", "expires_soon": "on"}, lambda a: a.status(today) == "valid" and a.expires_soon(today)),
    ]
    seen_statuses = {a.status(today) for a in Approval.objects.filter(pk__in=[a.pk for a in approvals])}
    assert seen_statuses == {"valid", "suspended", "future", "expired", "cancelled"}
    for params, keep in cases:
        numbers, total = listed(params)
        assert numbers == expected(keep), params
        assert total == len(numbers), params
        assert numbers, params  # every filter keeps some rows here
    assert len(listed({})[0]) == 27  # two pages


def test_company_list_needs_an_employer(client):
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    login(client, member_of(organization), organization)
    assert client.get(reverse("approvals:company_list")).status_code == 404


# --- Detail and actions -------------------------------------------------------------------


def test_detail_owner_teammate_outsider(client, employed):
    approval, company = employed
    url = reverse("approvals:detail", args=[approval.pk])
    login(client, member_of(company), company)
    response = client.get(url)
    assert response.status_code == 200 and "Suspendre le PASS IAE" in response.text
    teammate = CompanyMembershipFactory(company=company, is_admin=False).user
    login(client, teammate, company)
    assert client.get(url).status_code == 200
    outsider_company = CompanyFactory(with_member=True)
    login(client, member_of(outsider_company), outsider_company)
    assert client.get(url).status_code == 404
    assert client.get(reverse("approvals:suspend", args=[approval.pk])).status_code == 404


def test_previous_employer_sees_but_cannot_suspend(client, employed):
    approval, company = employed
    hire(approval, start_at=days_from_today(-10))  # a later hire elsewhere
    login(client, member_of(company), company)
    response = client.get(reverse("approvals:detail", args=[approval.pk]))
    assert "seul son dernier employeur" in response.text
    # 403, not 404: the company sees this PASS IAE; the page says who may act.
    for name in ("approvals:suspend", "approvals:prolong"):
        response = client.get(reverse(name, args=[approval.pk]))
        assert response.status_code == 403
        assert "Seul le dernier employeur de la personne" in response.content.decode()


def test_suspend(client, employed):
    approval, company = employed
    login(client, member_of(company), company)
    url = reverse("approvals:suspend", args=[approval.pk])
    response = client.post(
        url,
        {
            "reason": "contract_broken",
            "start_at": days_from_today(-2).isoformat(),
            "end_at": days_from_today(7).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Suspension.objects.get().approval == approval
    # Overlap: a message, no error.
    response = client.post(
        url,
        {
            "reason": "contract_broken",
            "start_at": days_from_today(0).isoformat(),
            "end_at": days_from_today(7).isoformat(),
        },
        follow=True,
    )
    assert "chevauche" in response.text
    assert Suspension.objects.count() == 1


def test_prolong_declared_and_requested(client, employed):
    approval, company = employed
    login(client, member_of(company), company)
    url = reverse("approvals:prolong", args=[approval.pk])
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    response = client.post(url, {"reason": "rqth", "end_at": (approval.end_at + days(100)).isoformat()})
    assert "choisissez-en un" in response.text
    response = client.post(
        url,
        {
            "reason": "rqth",
            "end_at": (approval.end_at + days(100)).isoformat(),
            "prescriber_organization": organization.pk,
        },
    )
    assert response.status_code == 302
    assert ProlongationRequest.objects.get().status == ProlongationRequestStatus.PENDING
    response = client.post(url, {"reason": "complete_training", "end_at": (approval.end_at + days(100)).isoformat()})
    assert response.status_code == 302
    assert Prolongation.objects.get().reason == ProlongationReason.COMPLETE_TRAINING


# --- Prescriber requests ------------------------------------------------------------------


@pytest.fixture
def pending_request(employed):
    approval, company = employed
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    return services.prolongation_request_create(
        acting_user=member_of(company),
        company=company,
        approval=approval,
        reason=ProlongationReason.RQTH,
        end_at=approval.end_at + days(300),
        prescriber_organization=organization,
    )


def test_prescriber_grants(client, pending_request):
    organization = pending_request.prescriber_organization
    login(client, member_of(organization), organization)
    response = client.get(reverse("approvals:prescriber_requests"))
    assert pending_request.approval.job_seeker.get_full_name() in response.text
    url = reverse("approvals:request_detail", args=[pending_request.pk])
    assert client.post(url, {"action": "grant"}).status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == ProlongationRequestStatus.GRANTED
    # Double click: a message, not an error.
    response = client.post(url, {"action": "grant"}, follow=True)
    assert "déjà reçu une réponse" in response.text


def test_prescriber_denies_with_a_reason(client, pending_request):
    organization = pending_request.prescriber_organization
    login(client, member_of(organization), organization)
    url = reverse("approvals:request_detail", args=[pending_request.pk])
    response = client.post(url, {"action": "deny"})
    assert response.status_code == 200
    response = client.post(url, {"action": "deny", "deny_reason": "other", "proposed_actions": "Formation."})
    assert response.status_code == 302
    pending_request.refresh_from_db()
    assert pending_request.status == ProlongationRequestStatus.DENIED


def test_only_the_chosen_prescriber_sees_the_request(client, pending_request):
    url = reverse("approvals:request_detail", args=[pending_request.pk])
    other = PrescriberOrganizationFactory(authorized=True, with_member=True)
    login(client, member_of(other), other)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "grant"}).status_code == 404
    orienteur = PrescriberOrganizationFactory(with_member=True)
    login(client, member_of(orienteur), orienteur)
    response = client.get(reverse("approvals:prescriber_requests"))
    assert response.status_code == 403
    assert "Seuls les prescripteurs habilités" in response.content.decode()
    company = pending_request.company
    login(client, member_of(company), company)
    assert client.get(url).status_code == 404


# --- Job seeker and attestation ---------------------------------------------------------


def test_job_seeker_page_and_attestation(client, employed):
    approval, _company = employed
    login(client, approval.job_seeker)
    response = client.get(reverse("approvals:job_seeker"))
    assert approval.display_number in response.text
    assert "Télécharger mon attestation" in response.text
    response = client.get(reverse("approvals:attestation", args=[approval.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_attestation_outsiders(client, employed):
    approval, company = employed
    url = reverse("approvals:attestation", args=[approval.pk])
    login(client, JobSeekerFactory())
    assert client.get(url).status_code == 404
    outsider_company = CompanyFactory(with_member=True)
    login(client, member_of(outsider_company), outsider_company)
    assert client.get(url).status_code == 404
    login(client, member_of(company), company)
    assert client.get(url).status_code == 200


def test_attestation_views_by_others_are_logged(client, employed):
    from itou.audit.enums import AccessKind
    from itou.audit.models import AccessLog

    approval, company = employed
    url = reverse("approvals:attestation", args=[approval.pk])
    login(client, approval.job_seeker)
    client.get(url)
    assert not AccessLog.objects.exists()  # the holder's own download
    login(client, JobSeekerFactory())
    client.get(url)  # refused: not logged
    employer = member_of(company)
    login(client, employer, company)
    response = client.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    log = AccessLog.objects.get()
    assert (log.viewer, log.holder, log.kind, log.object_ref) == (
        employer,
        approval.job_seeker,
        AccessKind.APPROVAL_ATTESTATION,
        approval.number,
    )
    assert log.viewer_organization_name == company.display_name


def test_job_seeker_without_pass(client):
    login(client, JobSeekerFactory())
    assert "pas encore de PASS IAE" in client.get(reverse("approvals:job_seeker")).text


# --- Public verification ----------------------------------------------------------------


def test_verify_shows_initials_and_dates_only(client):
    job_seeker = JobSeekerFactory(first_name="Camille", last_name="Zéphyrin")
    approval = ApprovalFactory(job_seeker=job_seeker, start_at=days_from_today(-10))
    response = client.post(reverse("approvals:verify"), {"numero": approval.display_number, "nom": "zephyrin"})
    assert "PASS IAE authentique et valable aujourd&#x27;hui" in response.text or "valable aujourd'hui" in response.text
    assert "C. Z." in response.text
    assert "Zéphyrin" not in response.text and "ZÉPHYRIN" not in response.text and "Camille" not in response.text
    assert job_seeker.email not in response.text
    assert job_seeker.jobseeker_profile.nir not in response.text


@pytest.mark.parametrize(
    "setup, expected",
    [
        ("expired", "PASS IAE expiré"),
        ("cancelled", "PASS IAE retiré"),
        ("unknown", "Aucun PASS IAE ne correspond"),
    ],
)
def test_verify_other_cases(client, setup, expected):
    approval = ApprovalFactory(start_at=days_from_today(-800))
    if setup == "cancelled":
        approval.cancelled_at = timezone.now()
        approval.save()
    number = "999999999999" if setup == "unknown" else approval.number
    response = client.post(reverse("approvals:verify"), {"numero": number, "nom": approval.job_seeker.last_name})
    assert expected in response.text


def test_verify_empty_form(client):
    assert client.get(reverse("approvals:verify")).status_code == 200
