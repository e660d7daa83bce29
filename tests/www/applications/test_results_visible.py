"""What a hire and a diagnosis leave on the application page: the PASS IAE (number, dates,
links) and the eligibility diagnosis in force, for whom may see them."""

import pytest
from django.urls import reverse

from itou.approvals.models import Approval
from itou.companies.enums import CompanyKind
from itou.job_applications import services
from itou.job_applications.enums import JobApplicationState as S
from tests.eligibility.factories import IAEDiagnosisFactory, cast_without_diagnosis, employer_diagnosis
from tests.job_applications.conftest import Cast
from tests.job_applications.factories import days_from_today
from tests.www.applications.conftest import login


def detail_url(job_application):
    return reverse("applications:detail", args=[job_application.pk])


def accept_through_the_page(client, cast):
    login(client, cast.employer)
    return client.post(
        reverse("applications:action", args=[cast.job_application.pk, "accepter"]),
        {"expected_state": S.NEW, "hiring_start_at": days_from_today(1)},
        follow=True,
    )


def test_hire_message_and_page_show_the_pass(client, cast):
    response = accept_through_the_page(client, cast)
    approval = Approval.objects.get(job_seeker=cast.job_seeker)
    message = [str(m) for m in response.context["messages"]][0]
    assert "Embauche confirmée" in message
    assert f"PASS IAE n° {approval.display_number}" in message
    assert f"au {approval.end_at:%d/%m/%Y}" in message
    html = response.content.decode()
    assert approval.display_number in html
    assert reverse("approvals:detail", args=[approval.pk]) in html
    assert reverse("approvals:attestation", args=[approval.pk]) in html


def test_job_seeker_and_sender_see_the_pass(client, cast):
    services.job_application_accept(
        acting_user=cast.employer, job_application=cast.job_application, hiring_start_at=days_from_today(0)
    )
    approval = Approval.objects.get(job_seeker=cast.job_seeker)
    login(client, cast.job_seeker)
    html = client.get(detail_url(cast.job_application)).content.decode()
    assert approval.display_number in html
    assert reverse("approvals:job_seeker") in html
    assert reverse("approvals:attestation", args=[approval.pk]) in html
    # The prescriber who sent it reads the number and dates, without the employer's pages.
    login(client, cast.prescriber)
    html = client.get(detail_url(cast.job_application)).content.decode()
    assert approval.display_number in html
    assert reverse("approvals:detail", args=[approval.pk]) not in html
    assert reverse("approvals:attestation", args=[approval.pk]) not in html


def test_no_pass_block_before_the_hire(client, cast):
    login(client, cast.employer)
    assert "titre-pass-iae" not in client.get(detail_url(cast.job_application)).content.decode()


def test_outsider_cannot_see_the_application(client, cast):
    for user in (cast.other_employer, cast.other_prescriber, cast.outsider, cast.other_job_seeker):
        login(client, user)
        assert client.get(detail_url(cast.job_application)).status_code == 404


@pytest.fixture
def diagnosed_cast():
    cast = cast_without_diagnosis()
    diagnosis = IAEDiagnosisFactory(job_seeker=cast.job_seeker, criteria=["RSA"])
    return cast, diagnosis


def test_diagnosis_shown_with_criteria_and_proofs(client, diagnosed_cast):
    cast, diagnosis = diagnosed_cast
    criterion = diagnosis.administrative_criteria.get()
    for user in (cast.employer, cast.prescriber):
        login(client, user)
        html = client.get(detail_url(cast.job_application)).content.decode()
        assert 'id="titre-eligibilite"' in html
        assert diagnosis.author_prescriber_organization.name in html
        assert f"{diagnosis.expires_at.day}" in html
        assert criterion.name in html
        if criterion.written_proof:
            assert criterion.written_proof.split("'")[0] in html
        assert "1 critère administratif" in html
    # The job seeker's page does not show the diagnosis block.
    login(client, cast.job_seeker)
    assert 'id="titre-eligibilite"' not in client.get(detail_url(cast.job_application)).content.decode()


def test_employer_diagnosis_not_shown_to_the_sender(client):
    cast = cast_without_diagnosis()
    employer_diagnosis(cast.company, job_seeker=cast.job_seeker)
    login(client, cast.employer)
    assert "data-diagnosis" in client.get(detail_url(cast.job_application)).content.decode()
    login(client, cast.prescriber)
    html = client.get(detail_url(cast.job_application)).content.decode()
    assert "data-diagnosis" not in html
    assert "Aucun diagnostic d'éligibilité valable" in html


def test_no_diagnosis_for_an_adapted_company(client):
    cast = Cast(company_kind=CompanyKind.EA)
    login(client, cast.employer)
    html = client.get(detail_url(cast.job_application)).content.decode()
    assert "Pas de diagnostic d'éligibilité pour ce type d'employeur." in html
