"""An authorized prescriber makes or renews a diagnosis; an orienteur cannot."""

import pytest
from django.urls import reverse
from django.utils import timezone

from itou.eligibility.enums import AuthorKind
from itou.eligibility.models import EligibilityDiagnosis, GEIQEligibilityDiagnosis
from itou.job_applications.models import JobApplication
from itou.www.apply.flow import SESSION_PREFIX
from tests.companies.factories import CompanyFactory
from tests.eligibility.factories import IAEDiagnosisFactory, cast_without_diagnosis, criteria
from tests.job_applications.factories import JobApplicationFactory
from tests.prescribers.factories import PrescriberOrganizationFactory
from tests.www.applications.conftest import login


def url(job_application):
    return reverse("eligibility:prescriber_application", args=[job_application.pk])


def test_authorized_prescriber_makes_a_diagnosis(client, cast):
    login(client, cast.prescriber)
    page = client.get(url(cast.job_application))
    content = page.content.decode()
    assert page.status_code == 200
    assert "aucun minimum" in content
    assert "(d'après le profil)" in content  # CAP/BEP from the education level
    response = client.post(url(cast.job_application), {"administrative_criteria": []}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("applications:detail", args=[cast.job_application.pk])
    diagnosis = EligibilityDiagnosis.objects.get(job_seeker=cast.job_seeker)
    assert diagnosis.author_kind == AuthorKind.PRESCRIBER
    assert diagnosis.author == cast.prescriber
    assert f"valable jusqu'au {diagnosis.last_valid_day:%d/%m/%Y}" in str(list(response.context["messages"])[0])


def test_renewal_makes_a_new_diagnosis(client, cast):
    old = IAEDiagnosisFactory(job_seeker=cast.job_seeker)
    login(client, cast.prescriber)
    page = client.get(url(cast.job_application)).content.decode()
    assert "Un diagnostic valide existe déjà" in page
    assert "Renouveler le diagnostic" in page
    client.post(url(cast.job_application), {"administrative_criteria": [criteria()["RSA"].pk]})
    assert EligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).count() == 2
    assert EligibilityDiagnosis.objects.exclude(pk=old.pk).get().administrative_criteria.get().kind == "RSA"


def test_orienteur_cannot_make_a_diagnosis(client):
    organization = PrescriberOrganizationFactory(with_member=True)  # not authorized
    job_application = JobApplicationFactory(
        sender_kind="prescriber",
        sender_prescriber_organization=organization,
        sender=organization.memberships.get().user,
    )
    login(client, organization.memberships.get().user)
    page = client.get(url(job_application))
    assert page.status_code == 403
    assert "Seul un prescripteur habilité fait un diagnostic d'éligibilité" in page.content.decode()
    assert client.post(url(job_application), {"administrative_criteria": []}).status_code == 403
    assert not EligibilityDiagnosis.objects.filter(author=organization.memberships.get().user).exists()


@pytest.mark.parametrize("who", ["other_prescriber", "employer", "job_seeker", "outsider"])
def test_others_get_404(client, cast, who):
    login(client, getattr(cast, who))
    assert client.get(url(cast.job_application)).status_code == 404
    assert client.post(url(cast.job_application), {"administrative_criteria": []}).status_code == 404
    assert not EligibilityDiagnosis.objects.exists()


def test_geiq_application_gets_a_geiq_diagnosis(client):
    cast = cast_without_diagnosis(company_kind="GEIQ")
    login(client, cast.prescriber)
    assert "éligibilité GEIQ" in client.get(url(cast.job_application)).content.decode()
    client.post(url(cast.job_application), {"administrative_criteria": []})
    assert GEIQEligibilityDiagnosis.objects.get(job_seeker=cast.job_seeker).aid_amount == 1400


def _flow(client, *, user, organization, company, job_seeker):
    flow_id = "f" * 24
    session = client.session
    session[SESSION_PREFIX + flow_id] = {
        "user_id": user.pk,
        "company_id": company.pk,
        "sender_kind": "prescriber",
        "organization_key": f"prescriber:{organization.pk}",
        "steps": ["person", "jobs", "message", "diagnosis", "summary"],
        "started_at": "2026-11-27T10:00:00+00:00",
        "job_ids": [],
        "spontaneous": True,
        "jobs_done": True,
        "message": "Bonjour",
        "message_done": True,
        "resume": None,
        "declined_ids": [],
        "job_seeker_id": job_seeker.pk,
    }
    session.save()
    return flow_id


def test_in_the_apply_flow_made_with_the_application_at_sending(client):
    cast = cast_without_diagnosis()
    organization = cast.job_application.sender_prescriber_organization
    company = CompanyFactory(with_member=True, spontaneous_applications_open_since=timezone.now())
    login(client, cast.prescriber, organization)
    flow_id = _flow(
        client, user=cast.prescriber, organization=organization, company=company, job_seeker=cast.job_seeker
    )
    summary_url = reverse("apply:summary", args=[flow_id])
    step = reverse("apply:diagnosis", args=[flow_id])
    # The summary sends back to the diagnosis step, still to do.
    assert client.get(summary_url).url == step
    # The old address leads to the step.
    assert client.get(reverse("eligibility:prescriber_apply_flow", args=[flow_id])).url == step
    response = client.post(step, {"administrative_criteria": [criteria()["RSA"].pk], "action": "new"}, follow=True)
    assert response.redirect_chain[-1][0] == summary_url
    assert "Un nouveau diagnostic sera enregistré à l'envoi" in response.content.decode()
    assert not EligibilityDiagnosis.objects.filter(job_seeker=cast.job_seeker).exists()  # not before sending

    client.post(summary_url)
    sent = JobApplication.objects.get(to_company=company)
    diagnosis = EligibilityDiagnosis.objects.get(job_seeker=cast.job_seeker)
    assert sent.eligibility_diagnosis == diagnosis
    assert diagnosis.author_prescriber_organization == organization
    assert [c.kind for c in diagnosis.administrative_criteria.all()] == ["RSA"]


def test_apply_flow_of_another_session_is_404(client, cast):
    organization = cast.job_application.sender_prescriber_organization
    login(client, cast.prescriber, organization)
    assert client.get(reverse("eligibility:prescriber_apply_flow", args=["x" * 24]), follow=True).status_code == 404
    assert client.get(reverse("apply:diagnosis", args=["x" * 24])).status_code == 404
