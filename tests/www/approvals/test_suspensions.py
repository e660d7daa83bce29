"""The employer's screens on suspensions (edit the end, lift, delete), who may use them, the
latest-PASS rule in the screens, and the diagnosis shown on the PASS page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from itou.approvals import services
from itou.approvals.enums import SuspensionReason
from itou.approvals.models import Approval, Suspension
from itou.companies.enums import CompanyKind
from tests.approvals.factories import ApprovalFactory, days_from_today, hire, member_of
from tests.companies.factories import CompanyFactory, CompanyMembershipFactory
from tests.eligibility.factories import IAEDiagnosisFactory
from tests.helpers import freeze_time
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.www.applications.conftest import login

days = datetime.timedelta


@pytest.fixture(autouse=True)
def _frozen_time(time_machine):
    freeze_time(time_machine)


@pytest.fixture
def suspended():
    """A PASS started 100 days ago, its last hire at an ACI, suspended from 10 days ago for 30 days."""
    approval = ApprovalFactory(start_at=days_from_today(-100))
    company = hire(approval, CompanyFactory(kind=CompanyKind.ACI, with_member=True)).company
    suspension = services.suspension_create(
        acting_user=member_of(company),
        company=company,
        approval=approval,
        start_at=days_from_today(-10),
        end_at=days_from_today(19),
        reason=SuspensionReason.CONTRACT_SUSPENDED,
    )
    approval.refresh_from_db()
    return approval, company, suspension


def urls(approval, suspension):
    return {
        name: reverse(f"approvals:suspension_{name}", args=[approval.pk, suspension.pk])
        for name in ("edit", "lift", "delete")
    }


def test_detail_offers_edit_and_lift_not_delete(client, suspended):
    approval, company, suspension = suspended
    login(client, member_of(company), company)
    response = client.get(reverse("approvals:detail", args=[approval.pk]))
    assert "Modifier la date de fin" in response.text
    assert "Lever la suspension" in response.text
    assert "Supprimer la suspension" not in response.text  # started 10 days ago


def test_edit_the_end_date_moves_the_pass_end(client, suspended):
    approval, company, suspension = suspended
    end_before = approval.end_at
    login(client, member_of(company), company)
    page = client.get(urls(approval, suspension)["edit"])
    assert page.status_code == 200 and 'for="id_end_at"' in page.text
    response = client.post(urls(approval, suspension)["edit"], {"end_at": days_from_today(29).isoformat()}, follow=True)
    assert "La suspension se termine désormais le" in response.text
    suspension.refresh_from_db()
    approval.refresh_from_db()
    assert suspension.end_at == days_from_today(29)
    assert approval.end_at == end_before + days(10)


def test_edit_the_end_date_to_yesterday_is_refused_with_a_message(client, suspended):
    approval, company, suspension = suspended
    end_before = approval.end_at
    login(client, member_of(company), company)
    response = client.post(urls(approval, suspension)["edit"], {"end_at": days_from_today(-1).isoformat()})
    assert response.status_code == 200
    assert "levez la suspension" in response.text
    approval.refresh_from_db()
    assert approval.end_at == end_before


def test_lift_ends_the_suspension_yesterday_and_recomputes_the_pass_end(client, suspended):
    approval, company, suspension = suspended
    end_before = approval.end_at
    login(client, member_of(company), company)
    assert client.get(urls(approval, suspension)["lift"]).status_code == 302  # GET changes nothing
    response = client.post(urls(approval, suspension)["lift"], follow=True)
    assert "La suspension est levée" in response.text
    suspension.refresh_from_db()
    approval.refresh_from_db()
    assert suspension.end_at == days_from_today(-1)
    # 20 days (today to day 19) are no longer suspended.
    assert approval.end_at == end_before - days(20)
    assert approval.status() == "valid"


def test_delete_only_while_not_started(client, suspended):
    approval, company, suspension = suspended
    login(client, member_of(company), company)
    response = client.post(urls(approval, suspension)["delete"], follow=True)
    assert "ne peut plus être supprimée" in response.text
    assert Suspension.objects.filter(pk=suspension.pk).exists()
    # A suspension entered today, starting today, can still be deleted.
    services.suspension_lift(acting_user=member_of(company), company=company, suspension=suspension)
    approval.refresh_from_db()
    end_before = approval.end_at
    today_one = services.suspension_create(
        acting_user=member_of(company),
        company=company,
        approval=approval,
        start_at=days_from_today(0),
        end_at=days_from_today(4),
        reason=SuspensionReason.CONTRACT_BROKEN,
    )
    response = client.post(urls(approval, today_one)["delete"], follow=True)
    assert "La suspension est supprimée" in response.text
    assert not Suspension.objects.filter(pk=today_one.pk).exists()
    approval.refresh_from_db()
    assert approval.end_at == end_before


def test_other_employer_teammate_previous_employer_and_prescriber(client, suspended):
    approval, company, suspension = suspended
    # A teammate of the last employer may act.
    teammate = CompanyMembershipFactory(company=company, is_admin=False).user
    login(client, teammate, company)
    assert client.get(urls(approval, suspension)["edit"]).status_code == 200
    # Another employer: 404 everywhere, nothing changed.
    other = CompanyFactory(with_member=True)
    login(client, member_of(other), other)
    for url in urls(approval, suspension).values():
        assert client.get(url).status_code in (302, 404)
        assert client.post(url, {"end_at": days_from_today(29).isoformat()}).status_code == 404
    # A prescriber: 404.
    organization = PrescriberOrganizationFactory(authorized=True, with_member=True)
    login(client, member_of(organization), organization)
    for url in urls(approval, suspension).values():
        assert client.post(url, {"end_at": days_from_today(29).isoformat()}).status_code == 404
    # The previous employer, once someone else hired the person (recorded directly): it knows
    # the PASS IAE, so a 403 page says why (only the last employer acts on it).
    hire(approval, start_at=days_from_today(0))
    login(client, member_of(company), company)
    for url in urls(approval, suspension).values():
        assert client.post(url, {"end_at": days_from_today(29).isoformat()}).status_code == 403
    suspension.refresh_from_db()
    assert suspension.end_at == days_from_today(19)  # nothing changed


def test_suspension_of_another_pass_is_404(client, suspended):
    approval, company, suspension = suspended
    other_approval = ApprovalFactory(start_at=days_from_today(-50))
    other_company = hire(other_approval, CompanyFactory(kind=CompanyKind.ACI, with_member=True)).company
    login(client, member_of(other_company), other_company)
    url = reverse("approvals:suspension_edit", args=[other_approval.pk, suspension.pk])
    assert client.get(url).status_code == 404


def test_an_older_pass_is_read_only_in_services_and_screens(client):
    company = CompanyFactory(kind=CompanyKind.ACI, with_member=True)
    old = ApprovalFactory(start_at=days_from_today(-100))
    hire(old, company)
    newer = ApprovalFactory(job_seeker=old.job_seeker, start_at=days_from_today(-5))
    hire(newer, company)
    user = member_of(company)
    with pytest.raises(PermissionDenied):
        services.suspension_create(
            acting_user=user,
            company=company,
            approval=old,
            start_at=days_from_today(0),
            end_at=days_from_today(3),
            reason=SuspensionReason.CONTRACT_BROKEN,
        )
    with pytest.raises(PermissionDenied):
        services.prolongation_declare(
            acting_user=user, company=company, approval=old, reason="complete_training", end_at=old.end_at + days(30)
        )
    login(client, user, company)
    response = client.get(reverse("approvals:detail", args=[old.pk]))
    assert "n'est plus le dernier PASS IAE" in response.text
    assert "Suspendre le PASS IAE" not in response.text and "Prolonger le PASS IAE" not in response.text
    # The employer knows this PASS IAE: a 403 page says why (only the latest PASS can change).
    assert client.get(reverse("approvals:suspend", args=[old.pk])).status_code == 403
    assert client.get(reverse("approvals:prolong", args=[old.pk])).status_code == 403
    # The latest one is not.
    response = client.get(reverse("approvals:detail", args=[newer.pk]))
    assert "Suspendre le PASS IAE" in response.text
    assert Approval.objects.count() == 2


def test_pass_page_shows_the_diagnosis_it_was_issued_on(client):
    company = CompanyFactory(kind=CompanyKind.ACI, with_member=True)
    diagnosis = IAEDiagnosisFactory()
    approval = ApprovalFactory(job_seeker=diagnosis.job_seeker, eligibility_diagnosis=diagnosis)
    hire(approval, company)
    login(client, member_of(company), company)
    response = client.get(reverse("approvals:detail", args=[approval.pk]))
    assert "Délivré sur le diagnostic d'éligibilité" in response.text
    assert diagnosis.author_prescriber_organization.name in response.text
    login(client, approval.job_seeker)
    assert diagnosis.author_prescriber_organization.name in client.get(reverse("approvals:job_seeker")).text
